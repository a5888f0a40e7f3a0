"""Conversations of known ages, written by the real tracker store, and the retention
command run as cron would run it: for the retention tests."""
import asyncio
import os
import subprocess
import sys
import time
import uuid

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from tools.retention import ROOT
from transcripts.tracker_store import RedactingSQLTrackerStore

DAY = 86400
# name -> ages in days of its turns; retention with --days 2000 deletes the first two
AGES = {"old": [3000, 2999], "older": [2500], "returning": [3000, 1], "recent": [2]}
DAYS = 2000


def seed(url: str) -> dict:
    """Write the conversations; return name -> sender id (unique to this call)."""
    store = RedactingSQLTrackerStore(domain=Domain.empty(), host=url)
    now = time.time()
    senders = {name: f"{name}-{uuid.uuid4()}" for name in AGES}
    for name, ages in AGES.items():
        events = []
        for age in ages:
            at = now - age * DAY
            events += [UserUttered("what is ptsd", timestamp=at),
                       ActionExecuted("action_answer_faq", timestamp=at),
                       BotUttered("an answer", timestamp=at)]
        tracker = DialogueStateTracker.from_events(senders[name], events)
        asyncio.run(store.save(tracker))
    store.engine.dispose()
    return senders


def expected_days(now: float = None) -> list:
    """The days of the last events of the conversations that go, oldest first."""
    now = time.time() if now is None else now
    return sorted(time.strftime("%Y-%m-%d", time.gmtime(now - min(AGES[n]) * DAY))
                  for n in ("old", "older"))


def retention(*args, env=None):
    done = subprocess.run([sys.executable, "-m", "tools.retention", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", **(env or {})})
    assert done.returncode == 0, done.stderr
    return done.stdout
