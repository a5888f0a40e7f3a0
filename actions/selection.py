"""Read the response selector's choice from a parsed message."""
from typing import List, Optional, Tuple

import content


def selected_topic(latest_message: dict) -> Tuple[Optional[str], float, List[Tuple[str, float]]]:
    """(topic, confidence, ranking of (topic, confidence)) for the FAQ retrieval intent."""
    selector = (latest_message.get("response_selector") or {}).get(content.RETRIEVAL_INTENT)
    if not selector:
        return None, 0.0, []
    response = selector.get("response") or {}
    key = response.get("intent_response_key") or ""
    topic = key.split("/", 1)[1] if "/" in key else None
    ranking = [
        (r["intent_response_key"].split("/", 1)[-1], float(r.get("confidence") or 0.0))
        for r in selector.get("ranking") or []
    ]
    return topic, float(response.get("confidence") or 0.0), ranking
