"""The banner that says whether conversations are being stored.

The health of the store lives in the Rasa server's process (transcripts.health), so the
review app asks Rasa's GET /health/storage, at most every CACHE_SECONDS. If Rasa does not
answer, the banner says so: staff must not take silence for health.
"""
import time
from typing import Optional

import aiohttp

from review import settings

CACHE_SECONDS = 10
TIMEOUT_SECONDS = 2

_cached: Optional[tuple] = None


async def status() -> dict:
    """{"level": "ok" | "failing" | "unknown", "message": str}"""
    global _cached
    now = time.monotonic()
    if _cached and now - _cached[0] < CACHE_SECONDS:
        return _cached[1]
    url = settings.rasa_url().rstrip("/") + "/health/storage"
    try:
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url) as response:
                report = await response.json(content_type=None)
        level = "ok" if report.get("status") == "ok" else "failing"
        result = {"level": level, "message": str(report.get("message") or "")}
    except Exception as error:  # any failure to ask is shown, never hidden
        result = {"level": "unknown",
                  "message": f"Could not ask the assistant whether conversations are being stored "
                             f"({url}: {type(error).__name__}). New conversations may be missing."}
    _cached = (now, result)
    return result


def forget() -> None:
    global _cached
    _cached = None
