"""With the action server stopped, every message still gets a safe reply."""
import uuid

import pytest

import content
from tests import safety
from tests.safety import texts


@pytest.fixture(scope="module")
def actions_down(servers):
    servers.stop_actions()
    try:
        yield servers
    finally:
        servers.start_actions()


def test_crisis_message_still_gets_the_resources(actions_down):
    replies = texts(actions_down.send("i want to end my life"))
    assert replies and safety.has_crisis_resources(replies[0])


def test_overdose_still_gets_the_overdose_steps(actions_down):
    replies = texts(actions_down.send("my friend took too many percs and isn't breathing"))
    assert safety.has_crisis_resources(replies[0])
    assert any("naloxone" in r for r in replies)


def test_faq_question_gets_an_apology_with_the_referral(actions_down):
    replies = texts(actions_down.send("what are the symptoms of ptsd"))
    assert replies[0].startswith("Sorry")
    assert content.referral() in replies


def test_failure_is_recorded_for_staff(actions_down):
    sender = f"down-{uuid.uuid4()}"
    actions_down.send("what is cbt", sender=sender)
    bot = [d for k, d in actions_down.events(sender) if k == "bot"]
    assert bot and all(m["metadata"].get("fallback") == "no_reply" for m in bot)
