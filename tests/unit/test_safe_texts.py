"""Fixed texts: the fallback reply and the medication-safety warnings."""
import pytest

import content
from actions.medication_safety import risk_warnings
from addons.safe_reply import fallback_messages
from tests import safety


@pytest.mark.parametrize("parse_data", [
    {"intent": {"name": "crisis"}, "crisis": {"kinds": ["overdose"]}},  # an older transcript
    {"intent": {"name": "crisis"}, "risk": {"tier": "crisis", "kinds": ["overdose_now"]}},
])
def test_fallback_for_an_overdose_gives_the_steps_first(parse_data):
    messages = fallback_messages(parse_data)
    assert safety.has_crisis_resources(messages[0]["text"])
    assert safety.first_message_fits(["overdose_now"], False, messages[0]["text"])


@pytest.mark.parametrize("kinds, about_other", [
    (["suicide"], False), (["suicide"], True), (["voices"], False), (["harm_others"], False)])
def test_fallback_for_a_crisis_fits_its_kind_as_the_actions_do(kinds, about_other):
    parse_data = {"intent": {"name": "crisis"}, "risk": {"tier": "crisis", "kinds": kinds, "about_other": about_other}}
    first = fallback_messages(parse_data)[0]["text"]
    assert safety.first_message_fits(kinds, about_other, first)


def test_fallback_for_distress_asks_directly_and_never_guesses():
    messages = fallback_messages({"intent": {"name": "distress"}, "risk": {"tier": "distress", "kinds": ["burden"]}})
    texts = [m["text"] for m in messages]
    assert "Are you having thoughts of suicide or of hurting yourself?" in texts
    assert texts[-1] == content.referral()
    assert not any(t.startswith("Sorry") for t in texts)


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
    ("obtain_opioids", {"opioid"}, "not_your_prescription"),
    ("obtain_opioids", set(), "not_prescribed"),
    ("stop_suddenly", {"ssri"}, "antidepressant_stopping"),
])
def test_medication_question_names_its_specific_risk(intent, classes, expected):
    assert risk_warnings(intent, classes)[0] == expected


def test_substance_use_adds_samhsa():
    assert "substance_use" in risk_warnings("mixing_substances", {"opioid", "alcohol"})
    assert "substance_use" in risk_warnings("obtain_opioids", set())


def test_every_fixed_text_shows_only_numbers_from_resources():
    texts = [content.referral(), content.medication_referral(), content.crisis_follow_up()]
    texts += content.crisis_messages(["overdose_now"])
    texts += [content.warning_text(w) for w in content.warning_ids()]
    texts += [m["text"] for m in fallback_messages(None)]
    assert [n for t in texts for n in safety.numbers_not_from_resources(t)] == []
