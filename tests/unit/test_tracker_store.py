"""The redacting tracker store on a real SQLite file: what reaches the rows, and its health."""
import asyncio
import json
import sqlite3

import pytest
import sqlalchemy.exc
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from transcripts import health
from transcripts.tracker_store import RedactingSQLTrackerStore, redact_event

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
        SlotSet("contact", "card 4111 1111 1111 1111"),
        ActionExecuted("action_crisis"),
        BotUttered("We'll call you on 07700 900123. Call or text 988.",
                   metadata={"part": "crisis"}),
    ])


def _rows(store, sender="patient-1"):
    with sqlite3.connect(store.engine.url.database) as db:
        return db.execute(
            "SELECT type_name, intent_name, action_name, data FROM events "
            "WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()


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


def test_a_failed_write_is_recorded_and_still_raised(store):
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
