"""The kind classifier (addons/crisis_kind.py) and how the risk triage uses its guess.

The training sentences are written for these tests; the classifier's real figures come
from the risk lists through tools/risk_eval.py.
"""
import json

import pytest
import spacy
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.training_data.message import Message

from addons.crisis_kind import KindModel
from addons.risk_triage import RiskTriage
from content.risk import KIND_GUESS
from spacy_pipeline.build import ROOT_MODEL

MODEL = SpacyModel(model=spacy.load(ROOT_MODEL), model_name="test")
TRIAGE = RiskTriage(RiskTriage.get_default_config())

TRAINING = [
    ("he swallowed a whole box of tablets and won't wake up", "overdose_now", True),
    ("she took all her pills with wine and her lips are blue", "overdose_now", True),
    ("my dad is barely breathing after his methadone", "overdose_now", True),
    ("i took the whole packet an hour ago and feel sick", "overdose_now", False),
    ("i'm going to stab him when he comes home", "harm_others", False),
    ("got a knife and i'm waiting outside her work", "harm_others", False),
    ("i want to batter my neighbour tonight", "harm_others", False),
    ("my brother says he'll shoot his boss tomorrow", "harm_others", True),
    ("i've written my note and picked the bridge", "suicide", False),
    ("gave my dog away, won't be needing anything now", "suicide", False),
    ("my sister keeps asking how high the car park is", "suicide", True),
    ("sorted my will, this is the last week", "suicide", False),
]


@pytest.fixture(scope="module")
def kind_model():
    texts, kinds, others = zip(*TRAINING)
    return KindModel.fit(list(texts), list(kinds), [str(o) for o in others], C=10.0, seed=7)


def test_a_guess_names_the_nearest_kind_and_whom(kind_model):
    guess = kind_model.guess("my mate swallowed all his tablets and won't wake up")
    assert max(guess["kinds"], key=guess["kinds"].get) == "overdose_now"
    assert guess["about_other"] > 0.5
    guess = kind_model.guess("i'm going to stab my neighbour when he comes home")
    assert max(guess["kinds"], key=guess["kinds"].get) == "harm_others"


def test_the_stored_state_is_plain_json_and_guesses_the_same(kind_model):
    restored = KindModel(json.loads(json.dumps(kind_model.state)))
    text = "she took all the pills and is barely breathing"
    assert restored.guess(text) == kind_model.guess(text)


def triage(text, guess, crisis=0.95):
    message = Message(data={"text": text, "intent_ranking": [{"name": "crisis", "confidence": crisis}]})
    message.set(KIND_GUESS, guess)
    return TRIAGE.triage(message, MODEL)


# A crisis only the classifier found: no risk pattern in these words.
UNNAMED = "sorted everything for saturday, nobody will find out until after"


def test_a_crisis_no_pattern_names_takes_the_guessed_kind_and_whom():
    risk = triage(UNNAMED, {"kinds": {"harm_others": 0.8, "suicide": 0.2}, "about_other": 0.9})
    assert risk["tier"] == "crisis" and risk["kinds"] == ["harm_others"] and risk["about_other"], risk


def test_an_unsure_guess_leaves_the_general_crisis_reply():
    risk = triage(UNNAMED, {"kinds": {"harm_others": 0.4, "suicide": 0.35, "voices": 0.25}, "about_other": 0.3})
    assert risk["kinds"] == ["classifier"] and not risk["about_other"], risk


def test_a_pattern_kind_outranks_the_guess():
    risk = triage("the voices keep telling me to jump", {"kinds": {"overdose_now": 0.99}, "about_other": 0.99})
    assert risk["kinds"] == ["voices"] and not risk["about_other"], risk


def test_the_guess_never_makes_a_crisis():
    assert triage("what time does the clinic open", {"kinds": {"suicide": 0.99}, "about_other": 0}, crisis=0.01)[
        "tier"] == "none"


def test_a_sure_guess_of_voices_adds_emergency_help_to_suicide_wording():
    risk = triage("they keep saying i have to jump in front of a train", {"kinds": {"voices": 0.9}, "about_other": 0})
    assert risk["kinds"] == ["suicide", "voices"], risk


def test_an_unsure_guess_leaves_suicide_wording_alone():
    risk = triage("they keep saying i have to jump in front of a train", {"kinds": {"voices": 0.5}, "about_other": 0})
    assert risk["kinds"] == ["suicide"], risk


def test_a_sure_guess_of_harm_to_others_adds_emergency_help_to_self_harm_wording():
    risk = triage("got a blade and ill be waiting on him monday", {"kinds": {"harm_others": 0.9}, "about_other": 0})
    assert "harm_others" in risk["kinds"], risk


@pytest.mark.parametrize("text", ["that match was savage, my voice is gone",
                                  "don't want them hearing it from someone else"])
def test_a_voice_or_hearing_is_no_sign_of_voices(text):
    risk = triage(text, {"kinds": {"suicide": 0.9}, "about_other": 0})
    assert "voices" not in risk["kinds"], risk
