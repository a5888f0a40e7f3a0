"""The crisis net's patterns, on the project's own spaCy pipeline."""
import pytest
import spacy

from addons.crisis_net import build_matchers, find_crisis
from spacy_pipeline.build import ROOT_MODEL

nlp = spacy.load(ROOT_MODEL)
MATCHERS = build_matchers(nlp)


def crisis(text):
    return find_crisis(nlp(text), *MATCHERS)


@pytest.mark.parametrize("text, kind", [
    ("i want to die", "suicide"), ("kms", "suicide"), ("i wanna kil myself", "suicide"),
    ("everyone would be better off without me", "suicide"), ("i want to off myself", "suicide"),
    ("i keep cutting myself", "self_harm"), ("my friend isn't breathing", "overdose_now"),
    ("i took too many percs", "overdose_now"), ("i want to hurt my wife", "harm_others"),
    ("greet I want to die", "suicide"), ("quiero morir", "suicide"),
    ("he took fentanyl and is unconscious", "overdose_now"), ("she's blue and not breathing", "overdose_now"),
    ("my pills are lined up", "suicide"),
])
def test_net_catches(text, kind):
    assert kind in crisis(text).get("kinds", [])


@pytest.mark.parametrize("text", [
    "this paperwork is killing me", "I could die for a coffee", "my grandmother died last year",
    "i'm dying to know", "what is the overdose risk of oxy", "what are overdose statistics",
    "my laptop stopped responding", "i've been feeling blue and not sleeping much",
    "i was knocked unconscious in the crash",
])
def test_net_ignores_figures_of_speech(text):
    assert crisis(text) == {}


# Figures of speech and ordinary lines, read by the patterns with their context (no
# classifier): tests/unit/test_risk_triage.py.
