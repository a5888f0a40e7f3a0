"""The crisis patterns (crisis_patterns.yml): the floor for explicit crisis language.

risk_triage.py runs them in the pipeline; the tests run them alone.
"""
from pathlib import Path
from typing import Any, Dict, List, Tuple

from addons import pattern_matching

PATTERNS_FILE = Path(__file__).with_name("crisis_patterns.yml")


def build_matchers(nlp, path: Path = PATTERNS_FILE):
    return pattern_matching.build_matchers(nlp, path)


# "I took 2 tylenol" is ordinary; "I took 20 percocets" is an overdose.
OVERDOSE_MIN_COUNT = 5


def _count(span) -> float:
    for token in span:
        if token.like_num:
            try:
                return float(token.text.replace(",", ""))
            except ValueError:
                return OVERDOSE_MIN_COUNT  # a number word such as "twenty"
    return 0


METHOD = "method"


def crisis_spans(doc, phrases, tokens) -> List[Tuple[str, Any]]:
    """(kind, span) for each crisis match in a spaCy doc, in text order.

    The kind `method` (method-seeking) is the reply's `suicide`; risk triage reads it
    apart first, because a question about a method is never "just a question".
    """
    found = []
    for kind, span in pattern_matching.matches(doc, phrases, tokens):
        if kind == "overdose_count":
            if _count(span) < OVERDOSE_MIN_COUNT:
                continue
            kind = "overdose_now"
        found.append((kind, span))
    return found


def reply_kind(kind: str) -> str:
    return "suicide" if kind == METHOD else kind


def find_crisis(doc, phrases, tokens) -> Dict[str, Any]:
    """{"kinds": sorted kinds, "matches": matched text} for a spaCy doc; empty if none."""
    found = {}
    for kind, span in crisis_spans(doc, phrases, tokens):
        found.setdefault(reply_kind(kind), span.text)
    if not found:
        return {}
    return {"kinds": sorted(found), "matches": [found[k] for k in sorted(found)]}
