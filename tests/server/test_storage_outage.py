"""No silent loss: stop the database mid-conversation and see what the patient, the health
endpoint and the stored transcript show.

What happens, and what docs/transcripts-and-privacy.md documents:
- while the database is down, the patient still gets every reply (crisis resources too);
- GET /health/storage answers 503 and says conversations are not being stored;
- the turns in between are lost: Rasa keeps them only in memory, where nothing reads
  them back, and each turn starts a fresh conversation, without the earlier context;
- when the database is back, the health endpoint answers 200 again but keeps counting
  the failed writes, and the next turn is stored after the turns from before the outage.
"""
import time
import uuid

import psycopg2
import pytest

import content
from tests import safety
from tests.safety import texts
from tests.server.conftest import transcript_rasa
from tests.server.throwaway_postgres import throwaway_postgres
from transcripts.tracker_store import PROBE_EVERY_SECONDS

THROWAWAY_PORT = 5445


@pytest.fixture(scope="module")
def postgres():
    with throwaway_postgres(THROWAWAY_PORT) as instance:
        yield instance


@pytest.fixture(scope="module")
def on_postgres(transcript_actions, postgres, tmp_path_factory):
    rasa = transcript_rasa(tmp_path_factory.mktemp("transcripts-pg"), tracker_url=postgres.url)
    rasa.start_rasa()
    try:
        yield rasa
    finally:
        rasa.stop_all()


def _stored_user_texts(url, sender):
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute("SELECT data::json->>'text' FROM events "
                       "WHERE sender_id = %s AND type_name = 'user' ORDER BY id", (sender,))
        return [row[0] for row in cursor.fetchall()]


def test_identifiers_never_reach_postgres(on_postgres, postgres):
    sender = f"pg-pii-{uuid.uuid4()}"
    on_postgres.send("what is ptsd? write to sam.jones@example.org or call 555-123-4567",
                     sender=sender)
    assert _stored_user_texts(postgres.url, sender) == [
        "what is ptsd? write to [EMAIL] or call [PHONE]"
    ]
    with psycopg2.connect(postgres.url) as db, db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events WHERE data LIKE %s OR data LIKE %s",
                       ("%sam.jones%", "%123-4567%"))
        assert cursor.fetchone()[0] == 0


def test_database_outage_mid_conversation(on_postgres, postgres):
    sender = f"outage-{uuid.uuid4()}"
    on_postgres.send("hi, my email is sam@example.org", sender=sender)
    assert on_postgres.storage_health()[0] == 200

    postgres.stop()
    time.sleep(PROBE_EVERY_SECONDS)  # the health route probes at most this often
    try:
        status, report = on_postgres.storage_health()
        assert (status, report["status"]) == (503, "failing")
        assert "NOT being stored" in report["message"]

        # the patient still gets answers, and crisis resources first
        replies = texts(on_postgres.send("what is ptsd", sender=sender))
        assert replies and replies[-1] == content.referral()
        replies = texts(on_postgres.send("i want to end my life", sender=sender))
        assert replies and safety.has_crisis_resources(replies[0])

        status, report = on_postgres.storage_health()
        assert status == 503 and report["failed_writes"] >= 2
        assert report["failed_conversations"] == 1
    finally:
        postgres.start()

    time.sleep(PROBE_EVERY_SECONDS)
    status, report = on_postgres.storage_health()
    assert (status, report["status"]) == (200, "ok")
    lost = report["failed_writes"]
    assert lost >= 2 and f"{lost} writes in 1 conversations failed" in report["message"]

    replies = texts(on_postgres.send("what is cbt", sender=sender))
    assert replies[-1] == content.referral()
    # the two turns during the outage are gone; the one after it follows the one before
    assert _stored_user_texts(postgres.url, sender) == [
        "hi, my email is [EMAIL]", "what is cbt"
    ]
    assert on_postgres.storage_health()[1]["failed_writes"] == lost
