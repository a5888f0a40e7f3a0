"""The crisis reply's conversation: flagged for staff, never closed, the specific risk named.

Every crisis message of the lists is in test_risk_triage.py.
"""
import uuid

import pytest

import content
from tests import safety
from tests.safety import texts


def test_crisis_conversation_is_flagged_for_staff(servers):
    sender = f"flag-{uuid.uuid4()}"
    servers.send("i want to kill myself", sender=sender)
    events = servers.events(sender)
    assert ["crisis_flag", True] in [[d.get("name"), d.get("value")] for k, d in events if k == "slot"]
    user = [d for k, d in events if k == "user"][-1]
    assert user["parse_data"]["crisis"]["kinds"] == ["suicide"]


@pytest.mark.parametrize("follow_up", ["no", "I'm ok now", "thanks", "bye"])
def test_follow_up_after_crisis_keeps_resources_in_view(servers, follow_up):
    sender = f"follow-{uuid.uuid4()}"
    servers.send("i dont want to be alive anymore", sender=sender)
    replies = texts(servers.send(follow_up, sender=sender))
    assert replies and any(safety.has_crisis_resources(r) for r in replies), replies


def test_crisis_that_names_street_pills_also_names_their_risk(servers):
    replies = texts(servers.send("i want to end it all, i have percs i bought from a dealer"))
    assert safety.has_crisis_resources(replies[0]), replies
    assert "not_your_prescription" in content.warnings_in(" ".join(replies))  # in the safety note
    assert "safe right now" in replies[-1]
