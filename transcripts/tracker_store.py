"""Rasa's SQL tracker store, with every event redacted before it is written.

endpoints.yml names it (`type: transcripts.tracker_store.RedactingSQLTrackerStore`) with
no url, so that it works with no environment variable: the store then reads TRACKER_URL,
else uses the SQLite file var/conversations.db at the project root. A `url:` in the
endpoints file still wins; Rasa passes it as `host`, which SQLTrackerStore accepts as a
full SQLAlchemy URL, so SQLite and PostgreSQL both work through one URL.

Only what is written is redacted. NLU, the crisis net and the actions run on the
tracker in memory, which still holds the original text for the turn in progress; the
next turn starts from the stored, redacted tracker.

Each write and each health probe is recorded in `self.health` (see transcripts.health).
"""
import itertools
import json
import logging
import os
import time
from pathlib import Path
from typing import Any, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from transcripts import summary as review_summary, summary_schema
from transcripts import health as health_registry
from transcripts.event_limits import limit_event
from transcripts.health import StorageHealth
from transcripts.redaction import redact

logger = logging.getLogger(__name__)

# Values under these keys name things in the domain or the model (intents, actions,
# slots, policies, entity types). The tracker cannot be rebuilt if they change, and
# they hold no free text. Every other string is redacted, including metadata, so a
# new field is redacted by default.
STRUCTURAL_KEYS = frozenset({
    "event", "name", "policy", "input_channel", "message_id", "model_id", "entity",
    "extractor", "role", "group", "intent_response_key", "utter_action", "response_key",
    "template_name", "action_name", "intent_name",
})
CONNECT_TIMEOUT_SECONDS = 5
# The health route is public: however often it is asked, at most one probe write a second.
PROBE_EVERY_SECONDS = 1.0
# Where conversations go when neither endpoints.yml nor TRACKER_URL names a database: the
# same file as the Makefile's default TRACKER_URL, which the review pages and retention read.
DEFAULT_DATABASE = Path(__file__).resolve().parent.parent / "var" / "conversations.db"


def database_url() -> str:
    """TRACKER_URL, else the SQLite file DEFAULT_DATABASE (its folder made if missing)."""
    url = os.environ.get("TRACKER_URL")
    if url:
        return url
    DEFAULT_DATABASE.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_DATABASE}"


def redact_event(data: Any, key: Optional[str] = None) -> Any:
    """A copy of a serialised event with the free text in it redacted."""
    if isinstance(data, str):
        return data if key in STRUCTURAL_KEYS else redact(data)
    if isinstance(data, dict):
        return {k: redact_event(v, k) for k, v in data.items()}
    if isinstance(data, list):
        return [redact_event(v, key) for v in data]
    return data


def stored_form(event: Event) -> dict:
    """The event as it is written: what a client sent in it cut to what may be stored
    (transcripts.event_limits), then its free text redacted."""
    return redact_event(limit_event(event.as_dict()))


# Set on each tracker this store reads or writes: how many of its events are stored, and
# the last of them. Rasa counts the stored events with a query before each write; the
# tracker it writes is the one it read at the start of the turn (under the conversation's
# lock), so the count is already known. The last event's identity proves it is that
# tracker, unchanged; anything else falls back to the query.
STORED = "_stored_events"


def mark_stored(tracker: DialogueStateTracker) -> None:
    events = tracker.events
    setattr(tracker, STORED, (len(events), events[-1] if events else None))


def stored_count(tracker: DialogueStateTracker) -> Optional[int]:
    count, last = getattr(tracker, STORED, (None, None))
    events = tracker.events
    if count is None or count > len(events) or (count and events[count - 1] is not last):
        return None
    return count


def transaction_open(connection) -> bool:
    """Whether the database still holds the connection's transaction (pysqlite tells;
    PostgreSQL keeps an aborted transaction open, and its commit then fails)."""
    return getattr(connection.connection.dbapi_connection, "in_transaction", True)


class EventStatements:
    """The statements of each turn, built once (Rasa builds its ORM queries anew each time)."""

    def __init__(self, events: sa.Table) -> None:
        sender = sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        # Rasa's SQLTrackerStore._event_query: the events since the latest session start,
        # or all of them if there is none, in the order they were stored
        self.last_session = (
            sa.select(events.c.data)
            .where(events.c.sender_id == sender,
                   sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))
            .order_by(events.c.id)
        )
        self.count_last_session = sa.select(sa.func.count()).select_from(
            self.last_session.subquery())
        self.insert = events.insert()


def _owner_only(url) -> None:
    """An SQLite file holds what patients wrote: readable by the service's account only
    (SQLite gives its journal files the same mode)."""
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        if path.exists():
            path.chmod(0o600)


class RedactingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, host: Optional[Text] = None, **kwargs) -> None:
        # Rasa passes the endpoint's url as `host`: None when endpoints.yml gives none.
        super().__init__(*args, host=host or database_url(), **kwargs)
        self._reconnecting_engine()
        summary_schema.create(self.engine)
        _owner_only(self.engine.url)
        self._statements = EventStatements(self.SQLEvent.__table__)
        self.health = StorageHealth()
        self._probed_at = None
        health_registry.watch(self)

    def _reconnecting_engine(self) -> None:
        """Rebuild Rasa's engine so that a database restart costs no turns, and errors
        that reach the logs never show the values of a statement."""
        url = self.engine.url
        kwargs = create_engine_kwargs(url.render_as_string(hide_password=False))
        if url.get_backend_name() == "postgresql":
            connect_args = kwargs.setdefault("connect_args", {})
            connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        self.engine.dispose()
        # pool_pre_ping: pooled connections die with a database restart; without it the
        # first write after the restart fails too
        self.engine = sa.create_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await self.stream_events(tracker)
            self._write_redacted(tracker)
        except Exception as error:
            self.health.failed(error, tracker.sender_id)
            logger.error(
                "Could not store conversation %s (%s): this turn is not in the database",
                tracker.sender_id, type(error).__name__,
            )
            raise  # Rasa's FailSafeTrackerStore keeps the patient talking
        self.health.ok()

    def _write_redacted(self, tracker: DialogueStateTracker) -> None:
        # SQLTrackerStore.save, with the event data redacted before it is serialised, and
        # in Core statements built once: Rasa's ORM queries were a third of the server's
        # CPU per message (make profile).
        with self.engine.begin() as connection:
            rows = []
            for event in self._unstored_events(connection, tracker):
                data = stored_form(event)
                row_id = connection.execute(self._statements.insert, {
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }).inserted_primary_key[0]
                rows.append((row_id, data))
            if rows:
                self._summarise(connection, tracker.sender_id, rows)
        mark_stored(tracker)

    def _unstored_events(self, connection, tracker: DialogueStateTracker) -> List[Event]:
        events = tracker.events
        stored = stored_count(tracker)
        if stored is None:
            # A tracker this store did not read or write: count what is stored, as Rasa does.
            stored = connection.execute(self._statements.count_last_session,
                                        {"sender_id": tracker.sender_id}).scalar()
        return list(itertools.islice(events, stored, None))

    def _summarise(self, connection, sender_id: Text, rows) -> None:
        # In the same transaction, under a savepoint: a summary that fails is rolled back
        # alone and the transcript is still committed. The conversation is then listed,
        # flagged, so that it is never hidden (a crisis among its turns included); the
        # next save and the review app's catch-up rebuild its summary. The events were
        # inserted first, so the transaction is open and pysqlite's deferred BEGIN cannot
        # split the savepoint from it.
        failure = self._in_savepoint(connection, review_summary.record, sender_id, rows)
        if failure is None:
            return
        logger.error("Could not update the review summary of %s (%s): it is listed flagged, and "
                     "rebuilt on its next save or the review app's catch-up", sender_id, failure)
        failure = self._in_savepoint(connection, review_summary.mark_failed, sender_id)
        if failure is not None:
            logger.error("Could not flag the review summary of %s (%s): the review app's "
                         "catch-up lists it", sender_id, failure)

    @staticmethod
    def _in_savepoint(connection, write, *args) -> Optional[str]:
        """Run `write` under a savepoint; the name of its error if it failed, else None."""
        try:
            with connection.begin_nested():
                write(connection, *args)
        except Exception as error:
            if not transaction_open(connection):
                # SQLite ends the whole transaction on some errors (disk full, I/O): the
                # turn's events went with it, so the write must fail, not log and go on.
                raise
            return type(error).__name__
        return None

    async def _stream_new_events(self, event_broker, new_events, sender_id: Text) -> None:
        # an event broker, if one is ever configured, gets the redacted events too
        for event in new_events:
            event_broker.publish({"sender_id": sender_id, **stored_form(event)})

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._reading(self._last_session(sender_id))

    async def _last_session(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        # Rasa's SQLTrackerStore.retrieve, reading only the data column
        with self.engine.connect() as connection:
            rows = connection.execute(self._statements.last_session,
                                      {"sender_id": sender_id}).scalars().all()
        if not rows or not self.domain:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(r) for r in rows],
                                                 self.domain.slots)
        mark_stored(tracker)
        return tracker

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        return await self._reading(super().retrieve_full_tracker(conversation_id))

    async def _reading(self, retrieval):
        try:
            return await retrieval
        except Exception as error:
            # FailSafeTrackerStore answers None, and Rasa starts the conversation afresh
            self.health.failed(error, write=False)
            raise

    def probe(self) -> dict:
        """Try a write that is rolled back, record the result, and report the health.

        At most one write every PROBE_EVERY_SECONDS: a flood of requests must not load the
        database. Between probes the report still follows every turn's own write."""
        now = time.monotonic()
        if self._probed_at is not None and now - self._probed_at < PROBE_EVERY_SECONDS:
            return self.health.report()
        self._probed_at = now
        try:
            with self.session_scope() as session:
                session.add(self.SQLEvent(sender_id="health-probe", type_name="probe",
                                          timestamp=time.time(), data="{}"))
                session.flush()
                session.rollback()
        except Exception as error:
            self.health.failed(error, write=False)
        else:
            self.health.ok()
        return self.health.report()
