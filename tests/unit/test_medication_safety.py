"""Medication-safety replies match the medicine named (issue 13, point 3), in three
bubbles: the answer, one "Safety note", the referral (point 4)."""
import pytest
from rasa.core.actions.action import create_bot_utterance
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import content
from actions.clarify import ActionClarify, ActionOutOfScope
from actions.crisis import ActionDistressSupported
from actions.faq import ActionAnswerFaq
from actions.medication_safety import HIGH_RISK_INTENTS, OPENING, ActionMedicationSafety, risk_warnings
from content.dose import find_dose
from transcripts.summary import unwarned_answers
from review.transcript import turns

MEDICATION_REFERRAL = content.medication_referral()
# The warnings that speak of opioids: only a question that names an opioid gets them.
# (`benzodiazepines` says benzodiazepines are dangerous with opioids: a fact about them.)
OPIOID_WARNINGS = {w for w in content.warning_ids() if "opioid" in content.warning_text(w).lower()}
OPIOID_WARNINGS -= {"benzodiazepines"}
ANTIDEPRESSANTS = ["ssri", "snri", "antidepressant"]
# Medicines whose stopping, dosing or mixing the safety facts say nothing specific about.
NOT_COVERED = ["sleeping_pill", "opioid_antagonist"]
SAMHSA = ["substance_use"]

# (intent, classes named) -> the warnings, most specific first.
EXPECTED = {
    # How much to take: never a dose; the medicine's own danger where the facts give one.
    ("ask_dose", ()): ["no_doses"],
    ("ask_dose", ("opioid",)): ["no_doses", "opioid_addiction"],
    **{("ask_dose", (c,)): ["no_doses"] for c in ANTIDEPRESSANTS + NOT_COVERED},
    ("ask_dose", ("benzodiazepine",)): ["no_doses", "benzodiazepines"],
    ("ask_dose", ("alcohol", "opioid")): ["no_doses", "opioid_addiction"] + SAMHSA,
    # Mixing: the opioid texts only when an opioid is named.
    ("mixing_substances", ()): ["ask_before_mixing"],
    ("mixing_substances", ("opioid",)): ["opioid_mixing", "ask_before_mixing"],
    **{("mixing_substances", (c,)): ["ask_before_mixing"] for c in ANTIDEPRESSANTS + NOT_COVERED},
    ("mixing_substances", ("benzodiazepine",)): ["benzodiazepines", "ask_before_mixing"],
    ("mixing_substances", ("alcohol", "opioid")): ["opioid_mixing"] + SAMHSA,
    ("mixing_substances", ("benzodiazepine", "opioid")): ["opioid_mixing"],
    ("mixing_substances", ("opioid", "sleeping_pill")): ["opioid_mixing"],
    **{("mixing_substances", ("opioid", c)): ["opioid_ssri_interaction"] for c in ANTIDEPRESSANTS},
    ("mixing_substances", ("alcohol", "opioid", "ssri")): ["opioid_mixing", "opioid_ssri_interaction"] + SAMHSA,
    ("mixing_substances", ("alcohol", "ssri")): ["ask_before_mixing"] + SAMHSA,
    ("mixing_substances", ("alcohol", "benzodiazepine")): ["benzodiazepines", "ask_before_mixing"] + SAMHSA,
    # Stopping suddenly: the opioid line, the antidepressant line, or ask.
    ("stop_suddenly", ()): ["ask_before_stopping"],
    ("stop_suddenly", ("opioid",)): ["opioid_stopping"],
    **{("stop_suddenly", (c,)): ["antidepressant_stopping"] for c in ANTIDEPRESSANTS},
    **{("stop_suddenly", (c,)): ["ask_before_stopping"] for c in NOT_COVERED + ["benzodiazepine"]},
    ("stop_suddenly", ("opioid", "ssri")): ["opioid_stopping", "antidepressant_stopping"],
    ("stop_suddenly", ("benzodiazepine", "opioid")): ["opioid_stopping", "ask_before_stopping"],
    ("stop_suddenly", ("alcohol", "ssri")): ["antidepressant_stopping"] + SAMHSA,
    # Getting pills: never a source; the opioid texts only for opioids.
    ("obtain_opioids", ()): ["not_prescribed", "street_pills"] + SAMHSA,
    ("obtain_opioids", ("opioid",)): ["not_your_prescription", "street_pills", "opioid_addiction"] + SAMHSA,
    **{("obtain_opioids", (c,)): ["not_prescribed", "street_pills"] for c in ANTIDEPRESSANTS + NOT_COVERED},
    ("obtain_opioids", ("benzodiazepine",)): ["not_prescribed", "street_pills", "benzodiazepines"] + SAMHSA,
    ("obtain_opioids", ("opioid", "ssri")): ["not_your_prescription", "street_pills", "opioid_addiction"] + SAMHSA,
}
# Every class the entity ruler can name (spacy_pipeline/substances.yml).
ALL_CLASSES = ["opioid", "opioid_antagonist", "benzodiazepine", "sleeping_pill", "ssri", "snri",
               "antidepressant", "alcohol", "cannabis", "therapy"]


def _tracker(text, intent, classes=(), confidence=0.95):
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": [{"entity": c, "value": c} for c in classes],
    }
    return Tracker("s", {}, message, [], False, None, {}, "action_listen")


def _reply(intent, classes=(), text="q"):
    dispatcher = CollectingDispatcher()
    ActionMedicationSafety().run(dispatcher, _tracker(text, intent, classes), {})
    return dispatcher.messages


def test_every_question_and_class_pair_is_covered():
    covered = {(intent, c) for intent, classes in EXPECTED for c in classes or ["none"]}
    for intent in HIGH_RISK_INTENTS:
        for c in ["none", "opioid", "benzodiazepine"] + ANTIDEPRESSANTS + NOT_COVERED:
            assert (intent, c) in covered, (intent, c)


@pytest.mark.parametrize("intent, classes", sorted(EXPECTED), ids=lambda v: v if isinstance(v, str) else "-".join(v))
def test_the_warnings_match_the_question_and_the_medicine_named(intent, classes):
    expected = EXPECTED[(intent, classes)]
    assert risk_warnings(intent, set(classes)) == expected
    messages = _reply(intent, classes)
    assert messages[1]["warning_ids"] == expected
    assert messages[1]["text"] == content.safety_note(expected)


def test_stopping_sertraline_gets_the_antidepressant_line_and_no_opioid_text():
    messages = _reply("stop_suddenly", ["ssri"], text="Can I stop my sertraline?")
    texts = " ".join(m["text"] for m in messages)
    assert content.warning_text("antidepressant_stopping") in texts
    assert "opioid" not in texts.lower()
    assert not [w for w in content.warnings_in(texts) if w in OPIOID_WARNINGS]


@pytest.mark.parametrize("intent", HIGH_RISK_INTENTS)
@pytest.mark.parametrize("classes", [(), ("ssri",), ("snri",), ("antidepressant",), ("sleeping_pill",),
                                     ("opioid_antagonist",), ("alcohol", "ssri"), ("cannabis",)])
def test_no_opioid_text_reaches_a_question_that_names_no_opioid(intent, classes):
    messages = _reply(intent, classes)
    texts = " ".join(m["text"] for m in messages)
    assert "opioid" not in texts.lower(), texts
    assert not set(content.warnings_in(texts)) & OPIOID_WARNINGS


@pytest.mark.parametrize("intent", HIGH_RISK_INTENTS + ("greet",))
@pytest.mark.parametrize("classes", [()] + [(c,) for c in ALL_CLASSES] + [("alcohol", "benzodiazepine", "opioid", "ssri")])
def test_every_medication_reply_is_answer_safety_note_referral_and_never_a_dose(intent, classes):
    messages = _reply(intent, classes)
    assert [m["part"] for m in messages] == ["answer", "warning", "referral"]
    answer, note, referral = messages
    assert answer["text"] in OPENING.values()
    assert note["text"].startswith("Safety note: ") and note["warning_ids"]
    assert note["warning_id"] == note["warning_ids"][0]
    assert answer["review"]["warnings"] == note["warning_ids"]
    assert referral["text"] == MEDICATION_REFERRAL
    assert not [m["text"] for m in messages if find_dose(m["text"])]


def test_an_unknown_intent_is_answered_as_a_dose_question():
    messages = _reply("greet", ("opioid",))
    assert messages[0]["text"] == OPENING["ask_dose"]
    assert messages[0]["review"]["topic"] == "medication_safety/ask_dose"
    assert messages[1]["warning_ids"][0] == "no_doses"


def _faq_tracker(name):
    tracker = _tracker("q", "faq")
    key = f"faq/{name}"
    tracker.latest_message["response_selector"] = {"faq": {
        "response": {"intent_response_key": key, "confidence": 0.9},
        "ranking": [{"intent_response_key": key, "confidence": 0.9}]}}
    return tracker


OTHER_REPLIES = {
    "clarify": (ActionClarify(), _tracker("q", "nlu_fallback", confidence=0.2)),
    "out_of_scope": (ActionOutOfScope(), _tracker("book a table", "out_of_scope")),
    "distress_supported": (ActionDistressSupported(), _tracker("no", "deny")),
    **{f"faq/{name}": (ActionAnswerFaq(), _faq_tracker(name)) for name in content.faq_topics()},
}


@pytest.mark.parametrize("name", sorted(OTHER_REPLIES))
def test_every_answer_is_at_most_three_bubbles_with_a_warning_and_a_referral(name):
    action, tracker = OTHER_REPLIES[name]
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, tracker, {})
    parts = [m["part"] for m in dispatcher.messages]
    assert len(parts) <= 3
    assert parts == ["answer", "warning", "referral"]
    assert dispatcher.messages[1]["text"].startswith("Safety note: ")


def test_the_review_pages_still_see_the_warning_and_the_referral():
    """As Rasa stores the three messages: the answer is not flagged as unwarned, and
    the transcript lists the warnings."""
    events = [{"event": "user", "text": "can i stop my zoloft", "parse_data": {}}]
    for message in _reply("stop_suddenly", ["ssri", "opioid"]):
        events.append({"event": "bot", **create_bot_utterance(dict(message)).as_dict()})
    assert unwarned_answers(events) == []
    replies = turns(events)[0]["replies"]
    assert [r["part"] for r in replies] == ["answer", "warning", "referral"]
    assert replies[0]["warnings"] == ["opioid_stopping", "antidepressant_stopping"]
    assert replies[1]["warnings"][0] == "opioid_stopping"


@pytest.fixture(scope="module")
def medication_net():
    """The medication-risk net on the project's own spaCy pipeline, as the Rasa server runs it."""
    import spacy

    from addons import pattern_matching
    from addons.medication_net import PATTERNS_FILE, classify
    from spacy_pipeline.build import ROOT_MODEL

    nlp = spacy.load(ROOT_MODEL)
    matchers = pattern_matching.build_matchers(nlp, PATTERNS_FILE)
    return lambda text: classify(nlp(text), *matchers)


@pytest.mark.parametrize("text, intent, expected", [
    ("Can I stop my sertraline?", "stop_suddenly", ["antidepressant_stopping"]),
    ("can i come off prozac cold turkey", "stop_suddenly", ["antidepressant_stopping"]),
    ("stop taking my antidepressants", "stop_suddenly", ["antidepressant_stopping"]),
    ("how many mg of zoloft should i take", "ask_dose", ["no_doses"]),
    ("is it ok to take my mum's sertraline", "obtain_opioids", ["not_prescribed", "street_pills"]),
    ("can i just quit my ambien", "stop_suddenly", ["ask_before_stopping"]),
    ("can i stop my oxycodone", "stop_suddenly", ["opioid_stopping"]),
])
def test_a_message_gets_the_warnings_for_the_medicine_it_names(medication_net, text, intent, expected):
    found = medication_net(text)
    assert found["intent"] == intent
    assert risk_warnings(found["intent"], found["classes"]) == expected
