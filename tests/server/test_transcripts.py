"""Through the real servers on SQLite: what a patient types reaches the database redacted,
and crisis detection still reads the original message."""
import sqlite3
import uuid

import pytest

import content
from tests import safety
from tests.safety import texts
from tests.server.conftest import transcript_rasa

EMAIL, PHONE, ADDRESS = "sam.jones@example.org", "07700 900123", "12 Baker Street"


@pytest.fixture(scope="module")
def on_sqlite(transcript_actions, tmp_path_factory):
    rasa = transcript_rasa(tmp_path_factory.mktemp("transcripts-sqlite"))
    rasa.start_rasa()
    try:
        yield rasa
    finally:
        rasa.stop_all()


def _user_events(servers, sender):
    return [d for k, d in servers.events(sender) if k == "user"]


def test_identifiers_never_reach_the_database(on_sqlite):
    sender = f"pii-{uuid.uuid4()}"
    message = f"what is ptsd? I'm at {ADDRESS}, email {EMAIL}, phone {PHONE}"
    replies = texts(on_sqlite.send(message, sender=sender))
    assert replies[-1] == content.referral()

    user = _user_events(on_sqlite, sender)[0]
    assert user["text"] == "what is ptsd? I'm at [ADDRESS], email [EMAIL], phone [PHONE]"
    assert user["parse_data"]["text"] == user["text"]
    raw = on_sqlite.db.read_bytes()
    for value in (EMAIL, PHONE, ADDRESS, "900123"):
        assert value.encode() not in raw, f"{value!r} is in the database file"


def test_crisis_message_with_a_phone_number_gets_the_resources_first(on_sqlite):
    sender = f"crisis-pii-{uuid.uuid4()}"
    replies = texts(on_sqlite.send(f"i want to kill myself. my number is {PHONE}", sender=sender))
    assert replies and safety.has_crisis_resources(replies[0]), replies

    events = on_sqlite.events(sender)
    user = [d for k, d in events if k == "user"][0]
    assert user["text"] == "i want to kill myself. my number is [PHONE]"
    assert user["parse_data"]["intent"]["name"] == "crisis"
    assert user["parse_data"]["crisis"]["kinds"] == ["suicide"]
    assert ["crisis_flag", True] in [[d.get("name"), d.get("value")] for k, d in events if k == "slot"]


def test_the_assistants_help_lines_are_stored_as_sent(on_sqlite):
    sender = f"lines-{uuid.uuid4()}"
    replies = texts(on_sqlite.send("i want to die", sender=sender))
    stored = [d["text"] for k, d in on_sqlite.events(sender) if k == "bot"]
    assert stored == replies
    # the international list: 988, Samaritans' 116 123 and every emergency number survive
    assert "988" in stored[0] and "116 123" in stored[0] and content.emergency_number() in stored[0]


def test_a_conversation_continues_from_its_redacted_transcript(on_sqlite):
    sender = f"continue-{uuid.uuid4()}"
    on_sqlite.send(f"hi, I'm on {PHONE}", sender=sender)
    replies = texts(on_sqlite.send("what is cbt", sender=sender))
    assert replies[-1] == content.referral()
    assert [u["text"] for u in _user_events(on_sqlite, sender)] == ["hi, I'm on [PHONE]", "what is cbt"]


def test_storage_health_is_ok_while_writes_work(on_sqlite):
    on_sqlite.send("hello")
    status, report = on_sqlite.storage_health()
    assert (status, report["status"], report["failed_writes"]) == (200, "ok", 0)
    assert "being stored" in report["message"]


def test_rows_keep_intent_and_action_columns_for_review(on_sqlite):
    sender = f"columns-{uuid.uuid4()}"
    on_sqlite.send("what is ptsd", sender=sender)
    with sqlite3.connect(on_sqlite.db) as db:
        rows = db.execute("SELECT type_name, intent_name, action_name FROM events "
                          "WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
    assert ("user", "faq", None) in rows
    assert ("action", None, "action_answer_faq") in rows


def test_identifiers_do_not_reach_the_server_logs(on_sqlite, transcript_actions):
    """At the servers' normal log level (Rasa's debug log, with --debug, does show texts)."""
    on_sqlite.send(f"my email is {EMAIL}, phone {PHONE}, what is cbt")
    on_sqlite.send(f"i want to die, write to {EMAIL}")
    for log in (on_sqlite.tmp / "rasa.log", transcript_actions.tmp / "actions.log"):
        text = log.read_text()
        assert EMAIL not in text and PHONE not in text, log
