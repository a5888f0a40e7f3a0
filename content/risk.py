"""The risk entry of a parsed message, as the pipeline writes it and everyone else reads it.

addons/risk_triage.py writes `risk` ({"tier", "kinds", "about_other", "matches"}) into
the parse data; the actions, the channel fallback and the review pages read it here,
without importing Rasa.
"""
from typing import List, Optional

CRISIS, DISTRESS, NONE = "crisis", "distress", "none"
RISK = "risk"
CRISIS_ENTRY = "crisis"  # the older entry, still written for a crisis
CRISIS_INTENT, DISTRESS_INTENT = "crisis", "distress"
# The risk classifier's probabilities (addons/risk_classifier.py)
SCORES = "risk_scores"
# The kind classifier's guess for a crisis no pattern names (addons/crisis_kind.py)
KIND_GUESS = "crisis_kind_guess"


def tier(parse_data: Optional[dict]) -> str:
    """crisis, distress or none for a parsed message (older transcripts have no `risk`)."""
    parse_data = parse_data or {}
    risk = parse_data.get(RISK) or {}
    intent = (parse_data.get("intent") or {}).get("name")
    if risk.get("tier") == CRISIS or parse_data.get(CRISIS_ENTRY) or intent == CRISIS_INTENT:
        return CRISIS
    if risk.get("tier") == DISTRESS or intent == DISTRESS_INTENT:
        return DISTRESS
    return NONE


def kinds(parse_data: Optional[dict]) -> List[str]:
    parse_data = parse_data or {}
    found = (parse_data.get(RISK) or {}).get("kinds") or (parse_data.get(CRISIS_ENTRY) or {}).get("kinds")
    return list(found or [])


def about_other(parse_data: Optional[dict]) -> bool:
    return bool(((parse_data or {}).get(RISK) or {}).get("about_other"))
