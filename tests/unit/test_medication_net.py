"""The medication-risk net, on the project's own spaCy pipeline."""
import pytest
import spacy

from addons import pattern_matching
from addons.medication_net import PATTERNS_FILE, classify
from spacy_pipeline.build import ROOT_MODEL
from tests import safety

nlp = spacy.load(ROOT_MODEL)
MATCHERS = pattern_matching.build_matchers(nlp, PATTERNS_FILE)


def intent(text):
    found = classify(nlp(text), *MATCHERS)
    return found and found["intent"]


@pytest.mark.parametrize("text, expected", [
    ("how many mg of oxy is safe", "ask_dose"),
    ("can i take 3 percs", "ask_dose"),
    ("beer with my norco ok?", "mixing_substances"),
    ("tramadol and lexapro together", "mixing_substances"),
    ("can i quit my methadone cold turkey", "stop_suddenly"),
    ("where can i buy oxys", "obtain_opioids"),
    ("my mum's codeine for my nightmares?", "obtain_opioids"),
    ("can my mate share his oxys with me", "obtain_opioids"),
    ("how do i persuade my doctor to give me oxycodone", "obtain_opioids"),
])
def test_high_risk_wording_with_a_medication_is_caught(text, expected):
    assert intent(text) == expected


@pytest.mark.parametrize("text", [
    "how much evidence is there for opioids", "what are ssris", "how do i talk to my doctor",
    "my dad has ptsd", "where can i get help for ptsd",
])
def test_questions_without_a_high_risk_ask_are_left_alone(text):
    assert intent(text) is None


@pytest.mark.parametrize("text", [
    "my girlfriend's psychiatrist put her on sertraline, what kind of drug is it",
    "my son has been on opioids since his accident, how risky are they",
    "my grandad's nurse says morphine isn't for his ptsd, why not",
])
def test_a_relatives_own_care_is_not_getting_their_medicine(text):
    assert intent(text) != "obtain_opioids"


@pytest.mark.parametrize("text", [
    "can i try my girlfriend's leftover tramadol for the nightmares",
    "my stepdad keeps a stash of oxy, would some help me sleep",
    "my cousin sold me some of his codeine, is that ok for ptsd",
])
def test_someone_elses_medicine_is_getting_opioids(text):
    assert intent(text) == "obtain_opioids"


def test_no_figure_of_speech_is_taken_for_a_medication_question():
    idioms = [m["text"] for m in safety.risk_messages("none") if m["kind"] == "idiom"]
    assert idioms and [text for text in idioms if intent(text)] == []


@pytest.mark.parametrize("text", [
    # sharing evidence, and asking a doctor's view, are not getting the medicine
    "could you share the research on opioids for ptsd",
    "should i ask my doctor to prescribe opioids for my ptsd",
])
def test_asking_about_opioids_is_not_getting_them(text):
    assert intent(text) is None
