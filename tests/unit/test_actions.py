"""The custom actions, run with rasa-sdk's real Tracker and dispatcher."""
import pytest

import content
from actions.clarify import ActionClarify, ActionOutOfScope
from actions.crisis import ActionCrisisResponse, ActionDistressCheckIn, ActionDistressSupported
from actions.faq import MIN_ANSWER_CONFIDENCE, ActionAnswerFaq
from actions.warnings import SAME_FACT
from content.dose import find_dose
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from tests import safety

REFERRAL = content.referral()


def _tracker(text="q", intent="faq", topic=None, confidence=0.9, entities=(), ranking=None):
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": [{"entity": e, "value": e} for e in entities],
    }
    if topic:
        key = f"faq/{topic}"
        message["response_selector"] = {"faq": {
            "response": {"intent_response_key": key, "confidence": confidence},
            "ranking": ranking or [{"intent_response_key": key, "confidence": confidence}],
        }}
    return Tracker("s", {}, message, [], False, None, {}, "action_listen")


def _run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def test_every_topic_is_answered_with_warning_and_referral():
    for name, topic in content.faq_topics().items():
        messages, _ = _run(ActionAnswerFaq(), _tracker(topic=name))
        texts = [m["text"] for m in messages]
        assert texts[0] == content.answer_text(topic)
        assert [m["part"] for m in messages][-1] == "referral" and texts[-1] == REFERRAL
        assert any(m.get("part") == "warning" for m in messages)
        assert messages[0]["review"]["topic"] == name
        assert messages[0]["review"]["citation"] == topic["citation"]


@pytest.mark.parametrize("entities", [(), ("opioid",), ("opioid", "alcohol"), ("opioid", "ssri", "alcohol")])
def test_every_topic_is_three_bubbles_answer_safety_note_referral(entities):
    for name, topic in content.faq_topics().items():
        messages, _ = _run(ActionAnswerFaq(), _tracker(topic=name, entities=entities))
        assert [m["part"] for m in messages] == ["answer", "warning", "referral"], name
        note = messages[1]
        chosen = messages[0]["review"]["warnings"]
        assert note["warning_ids"] == chosen and note["warning_id"] == chosen[0]
        assert note["text"] == content.safety_note(chosen)
        # the topic's own warnings, unless another chosen one states the same fact
        same = {SAME_FACT[w] for w in chosen if w in SAME_FACT}
        assert set(topic["warnings"]) - same <= set(chosen)


def test_named_opioid_and_alcohol_add_the_mixing_warning():
    messages, _ = _run(ActionAnswerFaq(), _tracker(topic="what_is_ptsd", entities=["opioid", "alcohol"]))
    note = [m for m in messages if m.get("part") == "warning"]
    assert len(note) == 1 and note[0]["warning_ids"][0] == "opioid_mixing"
    assert content.warning_text("opioid_mixing") in note[0]["text"]


def test_low_answer_confidence_asks_instead_of_guessing():
    low = MIN_ANSWER_CONFIDENCE - 0.1
    ranking = [
        {"intent_response_key": "faq/opioid_risks", "confidence": low},
        {"intent_response_key": "faq/opioid_crisis", "confidence": 0.3},
    ]
    messages, _ = _run(ActionAnswerFaq(), _tracker(topic="opioid_risks", confidence=low, ranking=ranking))
    answers = {content.answer_text(t) for t in content.faq_topics().values()}
    assert not any(m["text"] in answers for m in messages)
    assert [b["title"] for b in messages[0]["buttons"]] == [
        content.faq_topics()["opioid_risks"]["title"], content.faq_topics()["opioid_crisis"]["title"]]
    assert messages[-1]["text"] == REFERRAL


def test_clarify_and_out_of_scope_refer_to_a_professional():
    for action in (ActionClarify(), ActionOutOfScope()):
        messages, _ = _run(action, _tracker(intent="nlu_fallback", confidence=0.2))
        assert messages[-1]["text"] == REFERRAL


def test_crisis_reply_puts_resources_in_the_first_message_and_flags_the_conversation():
    messages, events = _run(ActionCrisisResponse(), _tracker(intent="crisis"))
    first = messages[0]["text"]
    assert content.emergency_number() in first
    for key in content.crisis_resource_keys():
        assert content.resources()["resources"][key]["how"] in first
    assert "safe right now" in " ".join(m["text"] for m in messages)
    assert {"event": "slot", "name": "crisis_flag", "value": True} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]
    assert not any(find_dose(m["text"]) for m in messages)


def _risk_tracker(tier, kinds, about_other=False):
    tracker = _tracker(intent=tier)
    tracker.latest_message["risk"] = {"tier": tier, "kinds": kinds, "about_other": about_other}
    return tracker


@pytest.mark.parametrize("kinds", [["overdose_now"], ["overdose"]])
def test_overdose_first_message_is_what_to_do_now(kinds):
    messages, _ = _run(ActionCrisisResponse(), _risk_tracker("crisis", kinds))
    first = messages[0]["text"]
    assert first.startswith("This is an emergency. Call " + content.emergency_number())
    assert safety.has_overdose_steps(first) and "If it's you" in first
    # the help lines come after the steps
    assert content.resources()["resources"]["lifeline_988"]["how"] not in first
    assert any(content.resources()["resources"]["lifeline_988"]["how"] in m["text"]
               for m in messages[1:])


@pytest.mark.parametrize("kind", ["harm_others", "voices"])
def test_harm_to_others_and_voices_put_emergency_services_first(kind):
    messages, _ = _run(ActionCrisisResponse(), _risk_tracker("crisis", [kind]))
    first = messages[0]["text"]
    assert safety.first_message_fits([kind], False, first)
    assert content.resources()["resources"]["lifeline_988"]["how"] not in first


@pytest.mark.parametrize("kind", ["suicide", "self_harm", "recent_attempt", "classifier"])
def test_suicidal_and_self_harm_get_a_person_to_talk_to_first(kind):
    messages, _ = _run(ActionCrisisResponse(), _risk_tracker("crisis", [kind]))
    first = messages[0]["text"]
    assert safety.first_message_fits([kind], False, first)
    talk = [content.resources()["resources"][k]["how"] for k in content.crisis_resource_keys()]
    assert first.index(talk[0]) < first.index(content.emergency_number())


def test_someone_else_at_risk_is_written_to_the_helper():
    messages, _ = _run(ActionCrisisResponse(), _risk_tracker("crisis", ["suicide"], about_other=True))
    assert safety.first_message_fits(["suicide"], True, messages[0]["text"])
    assert messages[-1]["text"].startswith("Are they safe right now?")
    assert messages[0]["review"]["about_other"] is True


@pytest.mark.parametrize("region", sorted(content.resources()["regions"]))
def test_every_region_leads_with_its_own_lines(monkeypatch, region):
    monkeypatch.setenv("ASSISTANT_REGION", region.lower())
    messages, _ = _run(ActionCrisisResponse(), _risk_tracker("crisis", ["suicide"]))
    first = messages[0]["text"]
    resources = content.resources()
    assert resources["regions"][region]["emergency"] in first
    assert resources["resources"][resources["regions"][region]["talk"][0]]["how"] in first
    assert safety.numbers_not_from_resources(first) == []


def test_an_unknown_region_falls_back_to_the_international_list(monkeypatch):
    monkeypatch.setenv("ASSISTANT_REGION", "atlantis")
    assert content.region() == "INTL"
    assert content.emergency_number() == content.resources()["regions"]["INTL"]["emergency"]


def test_distress_gets_a_direct_check_in_with_quick_replies_and_a_person_now():
    messages, events = _run(ActionDistressCheckIn(), _risk_tracker("distress", ["burden"]))
    texts = [m["text"] for m in messages]
    assert texts[1] == "Are you having thoughts of suicide or of hurting yourself?"
    assert [b["title"] for b in messages[1]["buttons"]] == ["Yes", "No", "I'm not sure"]
    assert content.resources()["resources"][content.crisis_resource_keys()[0]]["how"] in texts[2]
    assert texts[-1] == REFERRAL
    assert messages[0]["review"] == {"distress": True, "kinds": ["burden"]}
    # a check-in is not an FAQ guess: no topic buttons, no answer, and no crisis flag
    assert all(not m.get("buttons") for i, m in enumerate(messages) if i != 1)
    assert events == []


def test_no_to_the_check_in_gets_support_topics_and_the_referral():
    messages, _ = _run(ActionDistressSupported(), _tracker(intent="deny"))
    assert messages[0]["part"] == "answer" and messages[0]["buttons"]
    assert any(m.get("part") == "warning" for m in messages)
    assert messages[-1]["text"] == REFERRAL


def test_clarify_offers_no_topics_to_a_message_the_triage_marked():
    tracker = _risk_tracker("distress", ["hopelessness"])
    tracker.latest_message["intent_ranking"] = [{"name": "faq", "confidence": 0.3}]
    tracker.latest_message["response_selector"] = {"faq": {
        "response": {"intent_response_key": "faq/opioid_risks", "confidence": 0.3},
        "ranking": [{"intent_response_key": "faq/opioid_risks", "confidence": 0.3}]}}
    messages, _ = _run(ActionClarify(), tracker)
    assert not messages[0]["buttons"]


def test_crisis_reply_names_the_medication_risk_the_net_found_before_the_check_in():
    tracker = _tracker(intent="crisis")
    tracker.latest_message["medication_risk"] = {"intent": "obtain_opioids", "classes": ["opioid"]}
    messages, _ = _run(ActionCrisisResponse(), tracker)
    assert content.emergency_number() in messages[0]["text"]
    expected = ["not_your_prescription", "street_pills", "opioid_addiction", "substance_use"]
    notes = [m for m in messages if m.get("part") == "warning"]
    assert len(notes) == 1 and notes[0]["warning_ids"] == expected  # one "Safety note"
    assert set(content.warnings_in(notes[0]["text"])) == set(expected)
    assert notes[0]["text"] == content.safety_note(expected)
    assert "safe right now" in messages[-1]["text"]
