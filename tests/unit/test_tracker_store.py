"""The redacting tracker store on a real SQLite file: what reaches the rows, and its health."""
import asyncio
import copy
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from review import schema as review_schema
from transcripts.summary import catch_up
from transcripts import health
from transcripts import tracker_store as tracker_store_module
from transcripts.tracker_store import (
    RedactingSQLTrackerStore, mark_stored, redact_event, stored_count,
)

PII = ["sam@example.org", "07700 900123", "12 baker street", "4111 1111 1111 1111"]
TEXT = "i want to die, my email is sam@example.org and my number is 07700 900123"


def _run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture
def store(tmp_path):
    return RedactingSQLTrackerStore(domain=Domain.empty(), host=f"sqlite:///{tmp_path}/t.db")


def _tracker(sender="patient-1"):
    parse_data = {
        "text": TEXT,
        "intent": {"name": "crisis", "confidence": 1.0},
        "entities": [{"entity": "email", "value": "sam@example.org", "start": 27, "end": 42}],
        "crisis": {"kinds": ["suicide"], "matches": ["want to die"]},
    }
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen"),
        UserUttered(TEXT, intent=parse_data["intent"], entities=parse_data["entities"],
                    parse_data=parse_data, metadata={"note": "I live at 12 baker street"}),
        SlotSet("crisis_flag", True),
        SlotSet("contact", "card 4111 1111 1111 1111, I live at 12 baker street"),
        ActionExecuted("action_crisis"),
        BotUttered("We'll call you on 07700 900123. Call or text 988.",
                   metadata={"part": "crisis"}),
    ])


def _rows(store, sender="patient-1"):
    with store.engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT type_name, intent_name, action_name, data FROM events "
            "WHERE sender_id = :sender ORDER BY id"), {"sender": sender}).fetchall()


def test_no_identifier_reaches_the_database(store):
    _run(store.save(_tracker()))
    rows = _rows(store)
    stored = " ".join(data for *_, data in rows)
    assert len(rows) == 6
    for value in PII:
        assert value not in stored
    for placeholder in ("[EMAIL]", "[PHONE]", "[ADDRESS]", "[CARD]"):
        assert placeholder in stored


def test_what_review_needs_is_kept(store):
    _run(store.save(_tracker()))
    rows = _rows(store)
    user = json.loads(next(data for kind, _, _, data in rows if kind == "user"))
    assert user["text"] == "i want to die, my email is [EMAIL] and my number is [PHONE]"
    assert user["parse_data"]["text"] == user["text"]
    assert user["parse_data"]["intent"]["name"] == "crisis"
    assert user["parse_data"]["crisis"] == {"kinds": ["suicide"], "matches": ["want to die"]}
    assert user["parse_data"]["entities"][0] == {"entity": "email", "value": "[EMAIL]", "start": 27, "end": 42}
    assert [r[1] for r in rows if r[0] == "user"] == ["crisis"]
    assert [r[2] for r in rows if r[0] == "action"] == ["action_listen", "action_crisis"]
    bot = json.loads(rows[-1][3])
    assert bot["text"] == "We'll call you on [PHONE]. Call or text 988."


def test_the_stored_tracker_can_be_read_back_and_continued(store):
    _run(store.save(_tracker()))
    tracker = _run(store.retrieve("patient-1"))
    assert tracker.latest_message.text.endswith("[PHONE]")
    tracker.update(UserUttered("thanks, it's sam@example.org again"))
    _run(store.save(tracker))
    stored = " ".join(r[3] for r in _rows(store))
    assert "sam@example.org" not in stored and len(_rows(store)) == 7


def test_names_of_intents_actions_and_slots_are_not_touched():
    data = {"event": "slot", "name": "www.example.com", "value": "www.example.com",
            "policy": "policy_1_RulePolicy", "input_channel": "rest"}
    assert redact_event(data) == {**data, "value": "[URL]"}


def test_a_failed_write_is_recorded_and_still_raised(store, monkeypatch):
    monkeypatch.setattr(tracker_store_module, "PROBE_EVERY_SECONDS", 0)
    with store.engine.begin() as connection:
        connection.execute("DROP TABLE events")
    assert store.probe()["status"] == "failing"
    with pytest.raises(sqlalchemy.exc.OperationalError):
        _run(store.save(_tracker("patient-2")))
    report = store.health.report()
    assert report["status"] == "failing" and report["failed_writes"] == 1
    assert report["failed_conversations"] == 1
    assert "NOT being stored" in report["message"]

    store.Base.metadata.create_all(store.engine)
    report = store.probe()
    assert report["status"] == "ok"
    assert report["failed_writes"] == 1, "the lost turn stays counted after recovery"
    _run(store.save(_tracker("patient-3")))
    assert len(_rows(store, "patient-3")) == 6


def test_the_store_registers_itself_for_the_health_endpoint(store):
    assert health.watched() is store


def _statements(store):
    seen = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *args: seen.append(statement))
    return seen


def _sessions(sender="patient-s"):
    # two conversation sessions; Rasa reads back only the last one
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_session_start", timestamp=100.0),
        SessionStarted(timestamp=100.1),
        ActionExecuted("action_listen", timestamp=100.2),
        UserUttered("first session", timestamp=101.0),
        ActionExecuted("action_session_start", timestamp=200.0),
        SessionStarted(timestamp=200.1),
        ActionExecuted("action_listen", timestamp=200.2),
        UserUttered("second session", timestamp=201.0),
    ])


def test_it_reads_back_the_last_session_exactly_as_rasa_does(store):
    _run(store.save(_sessions()))
    ours = _run(store.retrieve("patient-s"))
    rasas = _run(SQLTrackerStore.retrieve(store, "patient-s"))
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in rasas.events]
    assert [getattr(e, "text", None) for e in ours.events][-1] == "second session"
    assert len(ours.events) == 3
    assert _run(store.retrieve("nobody")) is None


def test_a_turn_writes_only_its_new_events_without_counting_them_again(store):
    _run(store.save(_tracker()))
    tracker = _run(store.retrieve("patient-1"))
    tracker.update(UserUttered("how does therapy help?"))
    tracker.update(ActionExecuted("action_faq"))
    statements = _statements(store)
    _run(store.save(tracker))
    _run(store.save(tracker))  # saved again unchanged: nothing more is written
    assert [r[0] for r in _rows(store)][-3:] == ["bot", "user", "action"]
    assert len(_rows(store)) == 8
    assert not [s for s in statements if "count(" in s.lower()]


def test_a_tracker_it_did_not_read_is_counted_as_rasa_counts_it(store):
    _run(store.save(_tracker()))
    elsewhere = _tracker()  # same events, new objects: not known to be stored
    elsewhere.update(UserUttered("thank you"))
    assert stored_count(elsewhere) is None
    statements = _statements(store)
    _run(store.save(elsewhere))
    assert [s for s in statements if "count(" in s.lower()]
    assert len(_rows(store)) == 7 and json.loads(_rows(store)[-1][3])["text"] == "thank you"


def test_a_tracker_whose_events_changed_is_not_trusted():
    tracker = _tracker()
    mark_stored(tracker)
    assert stored_count(tracker) == 6
    assert stored_count(copy.deepcopy(tracker)) == 6
    tracker.events[-1] = BotUttered("replaced")
    assert stored_count(tracker) is None


def _failed(store):
    with store.engine.connect() as connection:
        return connection.execute(sa.select(review_schema.summary_failed.c.sender_id)).scalars().all()


def test_a_failing_review_summary_costs_no_turn_and_is_listed_flagged(store, caplog):
    # the summary's first write succeeds and its second fails: both are undone, the
    # turn's events are kept, and the conversation is listed, flagged, for a retry
    review_schema.labels.drop(store.engine)
    _run(store.save(_tracker()))
    assert len(_rows(store)) == 6
    assert "Could not update the review summary of patient-1" in caplog.text
    assert store.health.report()["status"] == "ok"
    row = _listed(store, "patient-1")
    assert row["last_event_id"] == 0 and row["started_at"] > 0
    assert _failed(store) == ["patient-1"]
    review_schema.create(store.engine)
    assert catch_up(store.engine) == 1
    assert _listed(store, "patient-1")["crisis"] and _failed(store) == []


def test_the_save_after_a_failed_summary_brings_the_failed_turn_in(store):
    # a crisis turn whose summary failed, then a turn whose summary is written: the
    # crisis must not be skipped (the catch-up would not see it either, the summary
    # being as new as the last event)
    review_schema.labels.drop(store.engine)
    _run(store.save(_tracker()))
    review_schema.labels.create(store.engine)
    tracker = _run(store.retrieve("patient-1"))
    tracker.update(UserUttered("thank you", parse_data={"intent": {"name": "thanks", "confidence": 0.9}}))
    _run(store.save(tracker))
    row = _listed(store, "patient-1")
    assert row["crisis"] and row["turns"] == 2 and _failed(store) == []
    assert catch_up(store.engine) == 0


def test_a_summary_error_that_ends_the_transaction_fails_the_write(store):
    # SQLite rolls back the whole transaction on some errors (disk full, I/O errors); a
    # trigger stands in for one. The turn is gone, so the write must fail and be counted.
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER full_disk BEFORE INSERT ON review_conversations "
            "BEGIN SELECT RAISE(ROLLBACK, 'database or disk is full'); END")
    with pytest.raises(sqlalchemy.exc.DatabaseError):
        _run(store.save(_tracker()))
    assert _rows(store) == []
    report = store.health.report()
    assert report["status"] == "failing" and report["failed_writes"] == 1


ROOT = Path(__file__).resolve().parents[2]


def _url(store):
    return store.engine.url.render_as_string(hide_password=False)


def test_with_no_url_and_no_tracker_url_it_uses_the_sqlite_file(tmp_path, monkeypatch):
    # endpoints.yml gives no url, so a plain `rasa run` needs no environment variable
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import AvailableEndpoints

    monkeypatch.delenv("TRACKER_URL", raising=False)
    database = tmp_path / "var" / "conversations.db"
    monkeypatch.setattr(tracker_store_module, "DEFAULT_DATABASE", database)
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    assert endpoints.tracker_store.url is None
    store = TrackerStore.create(endpoints.tracker_store, Domain.empty())
    assert isinstance(store, RedactingSQLTrackerStore)
    assert _url(store) == f"sqlite:///{database}"
    _run(store.save(_tracker()))
    assert database.exists() and len(_rows(store)) == 6


def test_tracker_url_names_the_database_when_the_endpoints_give_none(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_URL", f"sqlite:///{tmp_path}/from-env.db")
    assert _url(RedactingSQLTrackerStore(domain=Domain.empty())) == f"sqlite:///{tmp_path}/from-env.db"
    # a url in the endpoints file still wins
    store = RedactingSQLTrackerStore(domain=Domain.empty(), host=f"sqlite:///{tmp_path}/given.db")
    assert _url(store) == f"sqlite:///{tmp_path}/given.db"


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "private.db"
    path.touch(mode=0o644)
    RedactingSQLTrackerStore(domain=Domain.empty(), host=f"sqlite:///{path}")
    assert path.stat().st_mode & 0o077 == 0


def test_health_probes_write_at_most_once_a_second_however_often_asked(store, monkeypatch):
    writes = []
    scope = store.session_scope
    monkeypatch.setattr(store, "session_scope", lambda: writes.append(1) or scope())
    reports = [store.probe() for _ in range(50)]
    assert len(writes) == 1 and all(r["status"] == "ok" for r in reports)


# --- what a request controls: the channel name and the metadata (issue 16) -------------

def _said(sender, **client):
    """A crisis turn whose channel name or metadata came from the request."""
    parse_data = {"text": "i want to die", "intent": {"name": "crisis", "confidence": 1.0}}
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen"),
        UserUttered("i want to die", intent=parse_data["intent"], parse_data=parse_data, **client),
        SlotSet("crisis_flag", True),
        ActionExecuted("action_crisis"),
    ])


def _stored_user(store, sender):
    return next(json.loads(data) for kind, _, _, data in _rows(store, sender) if kind == "user")


def _listed(store, sender):
    with store.engine.connect() as connection:
        return connection.execute(sa.select(review_schema.conversations)
                                  .where(review_schema.conversations.c.sender_id == sender)).mappings().first()


@pytest.mark.parametrize("channel, stored", [
    ({}, None), ({"name": "rest"}, None), (["rest"], None), ("c" * 100, None), ("<b>rest</b>", None),
    ("rest", "rest"), ("webchat", "webchat"),
], ids=["object", "named object", "list", "long", "markup", "rest", "webchat"])
def test_a_channel_name_is_stored_only_if_it_is_a_channel_name(store, channel, stored):
    _run(store.save(_said("channel", input_channel=channel)))
    assert _stored_user(store, "channel")["input_channel"] == stored
    row = _listed(store, "channel")
    assert row["crisis"] and row["channel"] == stored


def _nested(depth):
    value = "sam@example.org"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("metadata", [_nested(500), {"note": "x" * 1_000_000}, {"a": [_nested(60)] * 50}],
                         ids=["500 deep", "a megabyte", "wide and deep"])
def test_deep_or_huge_metadata_costs_no_turn(store, metadata):
    _run(store.save(_said("meta", metadata=metadata)))
    assert [r[0] for r in _rows(store, "meta")] == ["action", "user", "slot", "action"]
    user = _stored_user(store, "meta")
    assert user["metadata"] == user["parse_data"]["metadata"] == {}
    assert _listed(store, "meta")["crisis"]
    assert store.health.report()["status"] == "ok"


def test_only_the_allow_listed_metadata_is_stored(store):
    guard = {"truncated_from_chars": 25000, "intent_shortcut_removed": True}
    metadata = {"input_guard": guard, "model_id": "m-1", "note": "I live at 12 baker street",
                "assistant_id": _nested(10)}
    tracker = _said("allowed", metadata=metadata)
    # Rasa copies the first message's metadata into this slot at a session start
    tracker.update(SlotSet("session_started_metadata", metadata))
    _run(store.save(tracker))
    user = _stored_user(store, "allowed")
    assert user["metadata"] == user["parse_data"]["metadata"] == {"input_guard": guard, "model_id": "m-1"}
    slot = [json.loads(r[3]) for r in _rows(store, "allowed") if r[0] == "slot"][-1]
    assert slot["value"] == {"input_guard": guard, "model_id": "m-1"}
    # a client's own input_guard holds only the guard's notes, never text
    _run(store.save(_said("forged", metadata={"input_guard": {"name": "sam@example.org"}})))
    assert _stored_user(store, "forged")["metadata"] == {}
