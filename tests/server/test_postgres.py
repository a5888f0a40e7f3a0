"""Conversations go to PostgreSQL when TRACKER_URL says so, and nothing else changes.

`make test-server` starts PostgreSQL from Debian's packages (scripts/start_postgres.sh)
and passes its URL in TEST_POSTGRES_URL.
"""
import os
import uuid

import psycopg2
import pytest

import content
from tests.safety import texts
from tools.servers import ACTION_PORT, Servers

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


@pytest.fixture(scope="module")
def on_postgres(servers, tmp_path_factory):
    if not POSTGRES_URL:
        pytest.fail("TEST_POSTGRES_URL is not set: run the server tests with `make test-server`")
    rasa = Servers(tmp_path_factory.mktemp("pg"), rasa_port=5106, action_port=ACTION_PORT,
                   tracker_url=POSTGRES_URL)
    rasa.start_rasa()
    try:
        yield rasa
    finally:
        rasa.stop_all()


def test_turns_are_stored_in_postgres(on_postgres):
    sender = f"pg-{uuid.uuid4()}"
    replies = texts(on_postgres.send("what is ptsd", sender=sender))
    assert replies[-1] == content.referral()
    with psycopg2.connect(POSTGRES_URL) as db, db.cursor() as cursor:
        cursor.execute("SELECT type_name FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        kinds = [row[0] for row in cursor.fetchall()]
    assert kinds.count("user") == 1 and kinds.count("bot") == len(replies)
