"""Every FAQ topic's answer through the REST webhook of the real server, with its warnings and
the referral.

Each topic is asked by its title, so that what is tested is the answer's path, whatever one
training does with one phrasing. How well new phrasings reach their topic is measured on
the held-out sets, with floors, by `make evaluate` (tools/heldout_eval.py)."""
import pytest

import content
from actions.warnings import SAME_FACT
from tests.safety import texts
from content.dose import find_dose


@pytest.mark.parametrize("name", sorted(content.faq_topics()))
def test_topic_answer_arrives_with_warning_and_referral(servers, name):
    topic = content.faq_topics()[name]
    replies = texts(servers.send(topic["title"]))
    assert replies[0] == content.answer_text(topic)
    # one "Safety note" follows the answer, naming all the topic's own warnings (or the
    # one that states the same fact: actions/warnings.py SAME_FACT)
    named = {w for r in replies[1:-1] for w in content.warnings_in(r)}
    same = {SAME_FACT[w] for w in named if w in SAME_FACT}
    assert set(topic["warnings"]) - same <= named, ("a safety note follows the answer", replies)
    assert replies[-1] == content.referral()
    assert not [r for r in replies if find_dose(r)]


def test_answer_metadata_is_stored_for_review(servers):
    sender = "review-metadata"
    servers.send("what are the dangers of oxycodone", sender=sender)
    bot = [data for kind, data in servers.events(sender) if kind == "bot"]
    answer = bot[0]["metadata"]["review"]
    assert answer["topic"] == "opioid_risks"
    assert answer["citation"] == content.faq_topics()["opioid_risks"]["citation"]
    assert 0.5 <= answer["confidence"] <= 1.0
    assert "opioid_addiction" in answer["warnings"] and "opioid" in answer["entities"]
    assert [m["metadata"].get("part") for m in bot][-1] == "referral"


def test_greeting_says_it_is_an_automated_assistant(servers):
    assert "automated assistant" in texts(servers.send("hi there"))[0]


def test_bot_challenge_says_it_is_not_a_clinician(servers):
    assert "not a clinician" in " ".join(texts(servers.send("am i talking to a real doctor?")))


def test_out_of_scope_says_what_it_covers_and_refers(servers):
    replies = texts(servers.send("can you book me a table for dinner tonight"))
    assert "PTSD" in replies[0]
    assert replies[-1] == content.referral()
