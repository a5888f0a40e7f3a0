"""The retention command on the real PostgreSQL that `make test-server` starts.

The database may hold other tests' conversations, all recent; the assertions are about
the conversations this test writes, which are years old."""
import os
import re

import psycopg2
import pytest

from tests.retention_data import DAYS, retention, seed

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


@pytest.fixture
def senders():
    if not POSTGRES_URL:
        pytest.fail("TEST_POSTGRES_URL is not set: run the server tests with `make test-server`")
    return seed(POSTGRES_URL)


def _stored(senders):
    with psycopg2.connect(POSTGRES_URL) as db, db.cursor() as cursor:
        cursor.execute("SELECT DISTINCT sender_id FROM events WHERE sender_id = ANY(%s)",
                       (list(senders.values()),))
        return {row[0] for row in cursor.fetchall()}


def test_retention_on_postgres(senders):
    planned = retention("--days", str(DAYS), "--url", POSTGRES_URL, "--dry-run", "--list")
    assert senders["old"] in planned and senders["older"] in planned
    assert senders["returning"] not in planned and senders["recent"] not in planned
    assert _stored(senders) == set(senders.values())

    done = retention("--days", str(DAYS), "--url", POSTGRES_URL)
    count = re.match(r"Would delete (\d+) conversations", planned).group(1)
    assert done.startswith(f"Deleted {count} conversations")
    assert _stored(senders) == {senders["returning"], senders["recent"]}
