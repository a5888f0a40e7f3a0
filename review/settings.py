"""Settings from the environment, read in one place."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    return os.environ.get("TRACKER_URL") or f"sqlite:///{ROOT / 'var' / 'conversations.db'}"


def port() -> int:
    return int(os.environ.get("REVIEW_PORT") or 5080)


def session_minutes() -> float:
    return float(os.environ.get("REVIEW_SESSION_MINUTES") or 30)


def proxies_count() -> int:
    """How many reverse proxies in front of the pages may be trusted to name the client in
    X-Forwarded-For. 0 (the default) trusts none: the header is ignored, since anyone can
    send it, and behind a proxy every staff member shares its address for the login
    back-off."""
    return int(os.environ.get("REVIEW_PROXIES_COUNT") or 0)


def secure_cookies() -> bool:
    """The session cookie is sent over HTTPS only, unless REVIEW_SECURE_COOKIES=0: for plain
    HTTP on loopback (`make review` sets it) and for the tests' HTTP client."""
    return os.environ.get("REVIEW_SECURE_COOKIES", "1") != "0"


def page_size() -> int:
    return int(os.environ.get("REVIEW_PAGE_SIZE") or 50)


def rasa_url() -> str:
    """The Rasa server whose storage health the pages show."""
    return os.environ.get("REVIEW_RASA_URL") or "http://localhost:5005"
