"""The retention command on a real SQLite file, run as cron would run it."""
import sqlite3
import subprocess
import sys

import pytest

from tests.retention_data import DAYS, expected_days, retention, seed
from tools.retention import ROOT


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "conversations.db"
    return path, seed(f"sqlite:///{path}")


def _senders(path):
    with sqlite3.connect(path) as connection:
        return {s for (s,) in connection.execute("SELECT DISTINCT sender_id FROM events")}


def test_deletes_only_conversations_whose_last_event_is_old(db):
    path, senders = db
    out = retention("--days", str(DAYS), "--url", f"sqlite:///{path}")
    assert out.startswith("Deleted 2 conversations (9 events) whose last event was before ")
    for day in expected_days():
        assert f"last event on {day}: 1" in out
    assert senders["old"] not in out, "sender ids are printed only with --list"
    assert _senders(path) == {senders["returning"], senders["recent"]}
    again = retention("--days", str(DAYS), "--url", f"sqlite:///{path}")
    assert again.startswith("Deleted 0 conversations (0 events)")


def test_dry_run_reports_and_deletes_nothing(db):
    path, senders = db
    out = retention("--days", str(DAYS), "--url", f"sqlite:///{path}", "--dry-run", "--list")
    assert out.startswith("Would delete 2 conversations (9 events)")
    assert senders["old"] in out and senders["older"] in out and senders["recent"] not in out
    assert _senders(path) == set(senders.values())


def test_days_and_database_come_from_the_environment(db):
    path, senders = db
    out = retention(env={"RETENTION_DAYS": str(DAYS), "TRACKER_URL": f"sqlite:///{path}"})
    assert f"({DAYS} days)" in out and "Deleted 2 conversations" in out
    assert _senders(path) == {senders["returning"], senders["recent"]}


def test_an_empty_database_is_fine(tmp_path):
    out = retention("--days", "30", "--url", f"sqlite:///{tmp_path}/none.db")
    assert out.startswith("Deleted 0 conversations")


def test_zero_days_is_refused(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tools.retention", "--days", "0",
                           "--url", f"sqlite:///{tmp_path}/x.db"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "at least 1" in done.stderr


def test_the_assistant_can_write_between_batches(db, monkeypatch):
    """SQLite has one writer at a time: one transaction for a whole run would shut the
    tracker store out for as long as the run (with 93,000 old conversations it lost
    turns). Between batches, a write that does not wait at all must get through."""
    import tools.retention as module

    path, _ = db
    monkeypatch.setattr(module, "BATCH", 1)  # the two old conversations: two batches
    writes = []

    def write_without_waiting(_seconds):
        with sqlite3.connect(path, timeout=0) as connection:
            connection.execute("INSERT INTO events (sender_id, type_name, timestamp, data) "
                               "VALUES ('assistant', 'user', 0, '{}')")
        writes.append(True)

    monkeypatch.setattr(module.time, "sleep", write_without_waiting)
    result = module.delete_old_conversations(f"sqlite:///{path}", DAYS)
    assert len(result.conversations) == 2
    assert len(writes) == 2
