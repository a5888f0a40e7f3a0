"""One row per conversation (review_conversations) and its intents, actions and risk
labels (review_labels), kept up to date from the stored, redacted events.

The tracker store calls `record` after each save with the events it just wrote.
`catch_up` rebuilds what a failed `record`, or conversations stored before this table
existed, left behind; the review app runs it at start.
"""
import json
import logging
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Set, Tuple

import sqlalchemy as sa

from transcripts import risk_labels as risk, summary_schema as schema
from transcripts.event_limits import channel_name

logger = logging.getLogger(__name__)

# A user turn below this intent confidence counts as low confidence. The NLU fallback
# threshold is 0.4 (config.yml) and an FAQ answer needs 0.5 (actions/faq.py): 0.5 lets
# staff see the answers that only just passed.
LOW_CONFIDENCE = 0.5

# Rasa's bookkeeping actions say nothing about what the assistant did.
IGNORED_ACTIONS = {"action_listen", "action_session_start"}
MAX_USER_TEXT = 20_000  # the search reads this much of a conversation; a long one is cut


def unwarned_answers(events: List[dict]) -> List[int]:
    """Indexes of treatment answers (a reply with a topic) that no warning and referral
    follow before the next user message."""
    missing = []
    for index, event in enumerate(events):
        meta = event.get("metadata") or {} if event.get("event") == "bot" else {}
        if meta.get("part") != "answer" or not (meta.get("review") or {}).get("topic"):
            continue
        parts = set()
        for later in events[index + 1:]:
            if later.get("event") == "user":
                break
            if later.get("event") == "bot":
                parts.add((later.get("metadata") or {}).get("part"))
        if not {"warning", "referral"} <= parts:
            missing.append(index)
    return missing


@dataclass
class Summary:
    started_at: Optional[float] = None
    last_at: Optional[float] = None
    turns: int = 0
    channel: Optional[str] = None
    crisis: bool = False
    low_confidence: bool = False
    action_failure: bool = False
    unwarned: bool = False
    min_confidence: Optional[float] = None
    user_text: str = ""
    last_event_id: int = 0
    intents: Set[str] = field(default_factory=set)
    actions: Set[str] = field(default_factory=set)
    risks: Set[str] = field(default_factory=set)  # label names, see transcripts.risk_labels

    def add(self, rows: Iterable[Tuple[int, dict]]) -> None:
        rows = list(rows)
        events = [data for _, data in rows]
        for event_id, event in rows:
            self.last_event_id = max(self.last_event_id, event_id)
            timestamp = event.get("timestamp")
            if isinstance(timestamp, (int, float)):
                self.started_at = timestamp if self.started_at is None else min(self.started_at, timestamp)
                self.last_at = timestamp if self.last_at is None else max(self.last_at, timestamp)
            kind = event.get("event")
            if kind == "user":
                self._user(event)
            elif kind == "action" and event.get("name") not in IGNORED_ACTIONS:
                self.actions.add(event["name"])
                if event["name"] == "action_clarify":
                    self.low_confidence = True
            elif kind == "slot" and event.get("name") == "crisis_flag" and event.get("value"):
                self.crisis = True
            elif kind == "bot":
                self._bot(event.get("metadata") or {})
        # Rasa saves once per message, so a batch holds whole turns and an answer's
        # warnings are in the same batch as the answer.
        if unwarned_answers(events):
            self.unwarned = True

    def _user(self, event: dict) -> None:
        self.turns += 1
        parse = event.get("parse_data") or {}
        intent = parse.get("intent") or {}
        # the store keeps only a channel's name; rows stored before it did may hold anything
        self.channel = self.channel or channel_name(event.get("input_channel"))
        if intent.get("name"):
            self.intents.add(intent["name"])
        confidence = intent.get("confidence")
        if isinstance(confidence, (int, float)):
            self.min_confidence = confidence if self.min_confidence is None else min(self.min_confidence, confidence)
            if confidence < LOW_CONFIDENCE:
                self.low_confidence = True
        if intent.get("name") == "nlu_fallback":
            self.low_confidence = True
        found = risk.of(parse)
        self.risks |= risk.labels(found)
        # A crisis tier is a crisis even without the older entry; a distress tier is not.
        if parse.get("crisis") or intent.get("name") == "crisis" or (found or {}).get("tier") == risk.CRISIS:
            self.crisis = True
        if event.get("text") and len(self.user_text) < MAX_USER_TEXT:
            # lower-cased, so that the search needs no lower() on each row
            self.user_text = (self.user_text + "\n" + event["text"].lower()).strip()[:MAX_USER_TEXT]

    def _bot(self, meta: dict) -> None:
        review = meta.get("review") or {}
        if meta.get("fallback"):  # addons/safe_reply.py: no reply came from the actions
            self.action_failure = True
        if review.get("fallback"):
            self.low_confidence = True
        if review.get("crisis"):
            self.crisis = True

    def labels(self) -> Set[Tuple[str, str]]:
        """(kind, name) of each review_labels row the conversation has."""
        return ({("intent", n) for n in self.intents} | {("action", n) for n in self.actions}
                | {(risk.LABEL, n) for n in self.risks})

    def row(self) -> dict:
        return {
            "started_at": self.started_at or 0.0, "last_at": self.last_at or 0.0,
            "turns": self.turns, "channel": self.channel, "crisis": self.crisis,
            "low_confidence": self.low_confidence, "action_failure": self.action_failure,
            "unwarned": self.unwarned, "min_confidence": self.min_confidence,
            "user_text": self.user_text, "last_event_id": self.last_event_id,
        }


def _load(connection, sender_id: str) -> Optional[Summary]:
    row = connection.execute(
        sa.select(schema.conversations).where(schema.conversations.c.sender_id == sender_id)
    ).mappings().first()
    if row is None:
        return None
    summary = Summary(**{k: v for k, v in row.items() if k != "sender_id"})
    by_kind = {"intent": summary.intents, "action": summary.actions, risk.LABEL: summary.risks}
    for kind, name in connection.execute(
        sa.select(schema.labels.c.kind, schema.labels.c.name).where(schema.labels.c.sender_id == sender_id)
    ):
        # by kind, not "intent or else action": a risk label read back as an action
        # would be inserted again, and the duplicate key would undo the whole summary
        if kind in by_kind:
            by_kind[kind].add(name)
    return summary


def record(connection, sender_id: str, rows: List[Tuple[int, dict]]) -> None:
    """Fold newly stored events (id, data) into the conversation's summary."""
    summary = _load(connection, sender_id)
    known = set() if summary is None else summary.labels()
    rows = [(i, d) for i, d in rows if summary is None or i > summary.last_event_id]
    if not rows:
        return
    fresh = summary is None
    summary = summary or Summary()
    summary.add(rows)
    if fresh:
        connection.execute(sa.insert(schema.conversations).values(sender_id=sender_id, **summary.row()))
    else:
        connection.execute(sa.update(schema.conversations)
                           .where(schema.conversations.c.sender_id == sender_id).values(**summary.row()))
    new = summary.labels() - known
    if new:
        connection.execute(sa.insert(schema.labels),
                           [{"kind": k, "name": n, "sender_id": sender_id} for k, n in sorted(new)])


EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("data"))


def catch_up(engine) -> int:
    """Bring every conversation's summary up to its last stored event; return how many
    conversations changed."""
    if not sa.inspect(engine).has_table("events"):
        return 0
    schema.create(engine)
    latest = sa.func.max(EVENTS.c.id).label("latest")
    behind_query = (
        sa.select(EVENTS.c.sender_id, latest)
        .select_from(EVENTS.outerjoin(schema.conversations,
                                      schema.conversations.c.sender_id == EVENTS.c.sender_id))
        .group_by(EVENTS.c.sender_id, schema.conversations.c.last_event_id)
        .having(latest > sa.func.coalesce(schema.conversations.c.last_event_id, 0))
    )
    with engine.connect() as connection:
        behind = [sender for sender, _ in connection.execute(behind_query)]
    for sender in behind:
        with engine.begin() as connection:
            rows = connection.execute(
                sa.select(EVENTS.c.id, EVENTS.c.data).where(EVENTS.c.sender_id == sender).order_by(EVENTS.c.id)
            ).all()
            record(connection, sender, [(i, json.loads(d)) for i, d in rows])
    return len(behind)
