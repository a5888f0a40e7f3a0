"""One row per conversation (review_conversations) and its intents, actions and risk
labels (review_labels), kept up to date from the stored, redacted events.

The tracker store calls `record` after each save with the events it just wrote; when
that fails it calls `mark_failed`, which lists the conversation flagged until a rebuild
succeeds. `catch_up` rebuilds what a failed `record`, or conversations stored before this
table existed, left behind; the review app runs it at start and every ten minutes.
"""
import json
import logging
import time
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


EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("timestamp"),
                  sa.column("data"))


def _stored_rows(connection, sender_id: str) -> List[Tuple[int, dict]]:
    return [(i, json.loads(d)) for i, d in connection.execute(
        sa.select(EVENTS.c.id, EVENTS.c.data).where(EVENTS.c.sender_id == sender_id).order_by(EVENTS.c.id))]


def _failed(connection, sender_id: str) -> bool:
    return connection.execute(sa.select(schema.summary_failed.c.sender_id)
                              .where(schema.summary_failed.c.sender_id == sender_id)).first() is not None


def _forget(connection, sender_id: str) -> None:
    for table in (schema.conversations, schema.labels, schema.summary_failed):
        connection.execute(sa.delete(table).where(table.c.sender_id == sender_id))


def record(connection, sender_id: str, rows: List[Tuple[int, dict]]) -> None:
    """Fold newly stored events (id, data) into the conversation's summary."""
    if _failed(connection, sender_id):
        # Rebuilt from every stored event: the failed write's events are in no summary
        # yet, and these rows alone would skip them, for good (the summary would then be
        # as new as the last event, and catch_up would not see it behind).
        _forget(connection, sender_id)
        rows = _stored_rows(connection, sender_id)
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


def mark_failed(connection, sender_id: str) -> None:
    """List a conversation whose summary could not be written, flagged: its row as it was,
    or one with only its times (read from the events' own column, not their data, which
    may be what failed). Its last_event_id stays behind the events, so that catch_up
    retries it."""
    if connection.execute(sa.select(schema.conversations.c.sender_id)
                          .where(schema.conversations.c.sender_id == sender_id)).first() is None:
        first, last = connection.execute(
            sa.select(sa.func.min(EVENTS.c.timestamp), sa.func.max(EVENTS.c.timestamp))
            .where(EVENTS.c.sender_id == sender_id)).one()
        now = time.time()
        connection.execute(sa.insert(schema.conversations).values(
            sender_id=sender_id, started_at=first or now, last_at=last or now, turns=0,
            crisis=False, low_confidence=False, action_failure=False, unwarned=False,
            user_text="", last_event_id=0))
    if not _failed(connection, sender_id):
        connection.execute(sa.insert(schema.summary_failed).values(sender_id=sender_id, at=time.time()))


def _behind(engine) -> List[str]:
    """The conversations with events newer than their summary, or with none."""
    if not sa.inspect(engine).has_table("events"):
        return []
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
        return [sender for sender, _ in connection.execute(behind_query)]


def catch_up(engine) -> int:
    """Bring every conversation's summary up to its last stored event; return how many
    conversations were brought up to date.

    It never raises: the review app runs it at start and the export before reading, and
    both must work with the summaries as they are. A conversation that fails is logged,
    listed flagged (mark_failed) and retried on the next catch-up; the others go on."""
    try:
        behind = _behind(engine)
    except Exception as error:  # e.g. a SQLite file locked by a long write
        logger.error("Could not look for summaries to update (%s)", type(error).__name__)
        return 0
    done = 0
    for sender in behind:
        try:
            with engine.begin() as connection:
                record(connection, sender, _stored_rows(connection, sender))
            done += 1
        except Exception as error:
            logger.error("Could not update the review summary of %s (%s): it is listed flagged "
                         "and retried on the next catch-up", sender, type(error).__name__)
            try:
                with engine.begin() as connection:
                    mark_failed(connection, sender)
            except Exception as error:
                logger.error("Could not flag the review summary of %s (%s)", sender, type(error).__name__)
    return done
