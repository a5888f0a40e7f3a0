"""The n-gram risk classifier: fitted, saved as plain arrays and word lists, loaded back."""
import numpy as np

from addons.risk_classifier import WEIGHTS_FILE, Scorer, label_of

TEXTS = ["i want to kill myself tonight", "going to end my life this weekend", "i have the pills ready to die",
         "i feel so hopeless lately", "nobody would miss me", "i can't cope with anything",
         "what is emdr", "how does cpt work", "can i take sertraline with ptsd", "hello there", "thanks a lot",
         "what are the side effects of prazosin"]
LABELS = ["crisis"] * 3 + ["distress"] * 3 + ["none"] * 6


def test_every_other_intent_is_none():
    assert [label_of(i) for i in ("crisis", "distress", "faq", None)] == ["crisis", "distress", "none", "none"]


def test_scores_are_probabilities_that_tell_crisis_from_a_question():
    scorer = Scorer.fit(TEXTS, LABELS, C=4.0, seed=7)
    crisis, question = scorer.score("i want to end my life tonight"), scorer.score("how does emdr work")
    assert abs(sum(crisis.values()) - 1) < 1e-3
    assert crisis["crisis"] > crisis["none"] and question["none"] > question["crisis"]


def test_a_saved_scorer_loads_without_pickles_and_scores_the_same(tmp_path):
    scorer = Scorer.fit(TEXTS, LABELS, C=4.0, seed=7)
    scorer.save(tmp_path)
    with np.load(tmp_path / WEIGHTS_FILE, allow_pickle=False) as stored:
        assert stored["coef"].dtype == np.float32
    loaded = Scorer.load(tmp_path)
    for text in ("i want to kill myself", "wat is emdr", "totally unseen words here"):
        assert loaded.score(text) == scorer.score(text)
