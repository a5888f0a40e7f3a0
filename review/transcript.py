"""A stored conversation as turns, for the transcript page and the JSON export.

Each turn: the patient's redacted text, the predicted intent with its confidence and
the runner-up, the entities, the risk tier and kinds (transcripts.risk_labels), the actions run, and
each reply with its review metadata.
A treatment answer that no warning and referral follow is marked `unwarned`.
"""
import json
from typing import List

import sqlalchemy as sa

from transcripts import risk_labels as risk
from transcripts.summary import IGNORED_ACTIONS, unwarned_answers

EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("data"))


def load_events(connection, sender_id: str) -> List[dict]:
    rows = connection.execute(
        sa.select(EVENTS.c.data).where(EVENTS.c.sender_id == sender_id).order_by(EVENTS.c.id))
    return [json.loads(data) for (data,) in rows]


def _user(event: dict) -> dict:
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != intent.get("name")]
    return {
        "text": event.get("text") or "",
        "intent": intent.get("name"),
        "confidence": intent.get("confidence"),
        "runner_up": ranking[0].get("name") if ranking else None,
        "runner_up_confidence": ranking[0].get("confidence") if ranking else None,
        "entities": [{"entity": e.get("entity"), "value": e.get("value")} for e in parse.get("entities") or []],
        "crisis": (parse.get("crisis") or {}).get("kinds") or [],
        "risk": risk.of(parse),  # {"tier", "kinds", "about_other"}, or None
        "medication_risk": parse.get("medication_risk"),
    }


def _citation(citation) -> str:
    """The answer's sources as staff read them: "P1, P2, safety-facts 1"."""
    if isinstance(citation, (list, tuple)):
        return ", ".join(str(c) for c in citation)
    return citation or ""


def _warning_ids(meta: dict) -> List[str]:
    """The warnings a "Safety note" reply holds: all of them (`warning_ids`), or the one
    `warning_id` of a transcript stored when each warning was a reply of its own."""
    if meta.get("warning_ids"):
        return list(meta["warning_ids"])
    return [meta["warning_id"]] if meta.get("warning_id") else []


def _reply(event: dict, unwarned: bool) -> dict:
    meta = event.get("metadata") or {}
    review = meta.get("review") or {}
    return {
        "text": event.get("text") or "",
        "part": meta.get("part"),
        "topic": review.get("topic"),
        "citation": _citation(review.get("citation")),
        "warnings": review.get("warnings") or _warning_ids(meta),
        "fallback": meta.get("fallback") or review.get("fallback"),
        "unwarned": unwarned,
    }


def turns(events: List[dict]) -> List[dict]:
    unwarned = set(unwarned_answers(events))
    result = []
    turn = None
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind == "user":
            turn = {"at": event.get("timestamp"), "user": _user(event), "actions": [], "replies": [],
                    "crisis_flag": False, "unwarned": False}
            result.append(turn)
            continue
        if kind not in ("action", "bot", "slot"):
            continue
        if turn is None:  # replies before the patient's first message, e.g. a greeting
            turn = {"at": event.get("timestamp"), "user": None, "actions": [], "replies": [],
                    "crisis_flag": False, "unwarned": False}
            result.append(turn)
        if kind == "action" and event.get("name") not in IGNORED_ACTIONS:
            turn["actions"].append(event["name"])
        elif kind == "slot" and event.get("name") == "crisis_flag" and event.get("value"):
            turn["crisis_flag"] = True
        elif kind == "bot":
            turn["replies"].append(_reply(event, index in unwarned))
            turn["unwarned"] = turn["unwarned"] or index in unwarned
    # A session start leaves a turn with nothing a reader needs to see.
    return [t for t in result if t["user"] or t["actions"] or t["replies"] or t["crisis_flag"]]
