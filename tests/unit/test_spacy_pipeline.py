"""The project's own spaCy pipeline recognises medications by class, slang included."""
import pytest
import spacy

from spacy_pipeline.build import ROOT_MODEL

nlp = spacy.load(ROOT_MODEL)


@pytest.mark.parametrize("text, label, span", [
    ("can i take percs for ptsd", "opioid", "percs"),
    ("is Oxy ok with xanax", "benzodiazepine", "xanax"),
    ("is Oxy ok with xanax", "opioid", "Oxy"),
    ("tramadol and zoloft together?", "ssri", "zoloft"),
    ("what about effexor", "snri", "effexor"),
    ("i drink a lot of alcohol", "alcohol", "alcohol"),
    ("is cognitive behavioural therapy good", "therapy", "cognitive behavioural therapy"),
    ("what is EMDR", "therapy", "EMDR"),
    ("my ambien", "sleeping_pill", "ambien"),
    ("narcan at home", "opioid_antagonist", "narcan"),
])
def test_entity_ruler_labels_the_class(text, label, span):
    assert (span, label) in {(e.text, e.label_) for e in nlp(text).ents}


def test_plain_words_are_not_medications():
    assert list(nlp("i feel anxious and cannot sleep at night").ents) == []


@pytest.mark.parametrize("text, lemma", [("C.B.T., what is it", "cbt"), ("is p.t.s.d curable", "ptsd"),
                                         ("my E.M.D.R. session", "emdr")])
def test_a_dotted_acronym_reads_as_the_acronym(text, lemma):
    assert lemma in [t.lemma_ for t in nlp(text)]
