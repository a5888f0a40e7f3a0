"""Fixed texts: the fallback reply and the medication-safety warnings."""
import pytest

import content
from actions.medication_safety import risk_warnings
from addons.safe_reply import fallback_messages
from tests import safety


def test_fallback_for_crisis_message_gives_resources_first():
    messages = fallback_messages({"intent": {"name": "crisis"}, "crisis": {"kinds": ["overdose"]}})
    assert safety.has_crisis_resources(messages[0]["text"])
    assert any("naloxone" in m["text"] for m in messages)


@pytest.mark.parametrize("parse_data", [None, {}, {"intent": {"name": "faq"}}])
def test_fallback_otherwise_apologises_and_refers(parse_data):
    texts = [m["text"] for m in fallback_messages(parse_data)]
    assert texts[0].startswith("Sorry") and content.referral() in texts


@pytest.mark.parametrize("intent, classes, expected", [
    ("ask_dose", set(), "no_doses"),
    ("mixing_substances", {"opioid", "alcohol"}, "opioid_mixing"),
    ("mixing_substances", {"opioid", "ssri"}, "opioid_ssri_interaction"),
    ("mixing_substances", {"opioid", "benzodiazepine"}, "opioid_mixing"),
    ("stop_suddenly", {"opioid"}, "opioid_stopping"),
    ("obtain_opioids", set(), "not_your_prescription"),
])
def test_medication_question_names_its_specific_risk(intent, classes, expected):
    assert risk_warnings(intent, classes)[0] == expected


def test_substance_use_adds_samhsa():
    assert "substance_use" in risk_warnings("mixing_substances", {"opioid", "alcohol"})
    assert "substance_use" in risk_warnings("obtain_opioids", set())


def test_every_fixed_text_shows_only_numbers_from_resources():
    texts = [content.referral(), content.medication_referral(), content.crisis_follow_up()]
    texts += content.crisis_messages(overdose=True)
    texts += [content.warning_text(w) for w in content.warning_ids()]
    texts += [m["text"] for m in fallback_messages(None)]
    assert [n for t in texts for n in safety.numbers_not_from_resources(t)] == []
