"""A user message's risk tier and kinds, as the review pages store, filter and show them.

The NLU pipeline writes `risk` into a message's parse data: {"tier": "crisis" or
"distress", "kinds": [...], "about_other": true/false}; it is absent, or tier "none",
for an ordinary message. The summary (transcripts.summary) keeps each conversation's risk
as `review_labels` rows of kind "risk", named

    crisis, distress                    the tier
    crisis:<kind>, distress:<kind>      e.g. crisis:overdose_now, distress:burden
    about_other                         the person at risk is someone else

and the staff pages' `risk` filter (review.filters) takes one of these names.

The pipeline adds kinds without telling these pages, so kinds are checked for shape
([a-z_], 32 characters at most), not against a list. What is read here was stored by
someone else: anything not in this shape is left out, never shown or stored.

Only the `risk` entry counts. The older `crisis` entry still sets the conversation's
crisis flag (transcripts.summary), but gives no risk label: conversations stored before the
pipeline wrote `risk` are found with the Crisis filter, not this one.
"""
import re
from typing import List, Optional, Set, Tuple

import sqlalchemy as sa

from transcripts import summary_schema as schema

LABEL = "risk"  # review_labels.kind, at most 8 characters
CRISIS, DISTRESS = "crisis", "distress"
TIERS = (CRISIS, DISTRESS)
ABOUT_OTHER = "about_other"
KIND = re.compile(r"[a-z_]{1,32}")
FILTER_VALUE = re.compile(r"(?:crisis|distress)(?::[a-z_]{1,32})?|about_other")


def of(parse_data: Optional[dict]) -> Optional[dict]:
    """{"tier", "kinds", "about_other"} of a message's parse data, keeping only valid
    values; None for a message with no risk."""
    found = (parse_data or {}).get("risk")
    if not isinstance(found, dict) or found.get("tier") not in TIERS:
        return None
    kinds = found.get("kinds")
    kinds = [k for k in kinds if isinstance(k, str) and KIND.fullmatch(k)] if isinstance(kinds, list) else []
    return {"tier": found["tier"], "kinds": list(dict.fromkeys(kinds)),
            "about_other": found.get("about_other") is True}


def labels(found: Optional[dict]) -> Set[str]:
    """The label names for what `of` found."""
    if found is None:
        return set()
    names = {found["tier"]} | {f"{found['tier']}:{kind}" for kind in found["kinds"]}
    if found["about_other"]:
        names.add(ABOUT_OTHER)
    return names


def valid_filter(value: str) -> bool:
    return bool(FILTER_VALUE.fullmatch(value))


def describe(name: str) -> str:
    """A label as staff read it in the filter: "crisis: overdose now"."""
    if name == ABOUT_OTHER:
        return "about someone else"
    tier, _, kind = name.partition(":")
    return f"{tier}: {kind.replace('_', ' ')}" if kind else f"{tier}, any kind"


def _order(name: str) -> Tuple[int, str]:
    # each tier, then its kinds alphabetically; "about someone else" last
    if name == ABOUT_OTHER:
        return len(TIERS), ""
    tier, _, kind = name.partition(":")
    return TIERS.index(tier), kind


def options(connection, selected: str = "") -> List[Tuple[str, str]]:
    """(value, text) for the list page's risk filter.

    From the labels stored, not a fixed list: a kind the pipeline adds appears without
    a change here, and no option leads to a list that is empty by construction. The
    query reads only the "risk" range of review_labels' primary key (kind, name, ...).
    The selected value is kept even if nothing has it, so the form shows what was asked.
    """
    stored = connection.execute(
        sa.select(schema.labels.c.name).where(schema.labels.c.kind == LABEL).distinct()).scalars()
    names = {n for n in stored if valid_filter(n)} | ({selected} if selected else set())
    return [(name, describe(name)) for name in sorted(names, key=_order)]
