"""The custom actions, run with rasa-sdk's real Tracker and dispatcher."""
import content
from actions.clarify import ActionClarify, ActionOutOfScope
from actions.crisis import ActionCrisisResponse
from actions.faq import MIN_ANSWER_CONFIDENCE, ActionAnswerFaq
from content.dose import find_dose
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

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


def test_named_opioid_and_alcohol_add_the_mixing_warning():
    messages, _ = _run(ActionAnswerFaq(), _tracker(topic="what_is_ptsd", entities=["opioid", "alcohol"]))
    assert "opioid_mixing" in [m.get("warning_id") for m in messages]


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
    for key in ("emergency", "lifeline_988", "veterans_crisis_line", "crisis_text_line", "directory"):
        assert content.resources()["resources"][key]["how"] in first
    assert "safe right now" in " ".join(m["text"] for m in messages)
    assert {"event": "slot", "name": "crisis_flag", "value": True} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]
    assert not any(find_dose(m["text"]) for m in messages)


def test_overdose_adds_the_overdose_steps():
    tracker = _tracker(intent="crisis")
    tracker.latest_message["crisis"] = {"kinds": ["overdose"]}
    messages, _ = _run(ActionCrisisResponse(), tracker)
    assert any("naloxone" in m["text"] and "recovery position" in m["text"] for m in messages)


def test_crisis_reply_names_the_medication_risk_the_net_found_before_the_check_in():
    tracker = _tracker(intent="crisis")
    tracker.latest_message["medication_risk"] = {"intent": "obtain_opioids", "classes": ["opioid"]}
    messages, _ = _run(ActionCrisisResponse(), tracker)
    assert content.resources()["resources"]["emergency"]["how"] in messages[0]["text"]
    assert [m.get("warning_id") for m in messages if m.get("part") == "warning"] == [
        "not_your_prescription", "opioid_addiction", "substance_use"]
    assert "safe right now" in messages[-1]["text"]
