"""A second risk classifier, linear on word and character n-grams: crisis, distress or none.

DIET's `crisis` intent decides where no pattern does, and it is unstable: four training
examples more moved a held-out round's crisis figure by eight points. A logistic regression
on TF-IDF n-grams is a convex fit, so a few examples more move it a little, and the triage
(addons/risk_triage.py) blends its crisis probability with DIET's: over nine read held-out
rounds, the blend's crisis figure moved 1.3 points between two trainings where DIET's alone
moved 4.1 (docs/risk-triage.md). It is trained on the NLU examples: the `crisis` and
`distress` intents, and every other intent as `none`. It decides nothing itself.

The whole message is scored, not its riskiest sentence: scored sentence by sentence, a long
post about a grandad's war or a game's plot always has one sentence that reads as crisis.
"""
import json
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from scipy import sparse

from content.risk import CRISIS, DISTRESS, NONE, SCORES

WEIGHTS_FILE = "risk_classifier.npz"
VOCABULARY_FILE = "risk_classifier_vocabulary.json"
# Words and word pairs; character n-grams inside words carry misspellings ("kil myslef").
VECTORIZERS = {
    "words": {"ngram_range": (1, 2), "sublinear_tf": True},
    "chars": {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 2},
}


def label_of(intent: Optional[str]) -> str:
    return intent if intent in (CRISIS, DISTRESS) else NONE


class Scorer:
    """The fitted vectorizers and regression, kept as plain arrays and word lists: loading a
    model never unpickles code from it."""

    def __init__(self, vectorizers: Dict[str, TfidfVectorizer], weights: Dict[str, np.ndarray]) -> None:
        self.vectorizers = vectorizers
        self.weights = weights

    @classmethod
    def fit(cls, texts: List[str], labels: List[str], C: float, seed: int) -> "Scorer":
        vectorizers = {name: TfidfVectorizer(**options) for name, options in VECTORIZERS.items()}
        features = sparse.hstack([v.fit_transform(texts) for v in vectorizers.values()]).tocsr()
        # balanced: a few hundred risk examples against a thousand and more others
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=seed)
        model.fit(features, labels)
        return cls(vectorizers, {"coef": model.coef_.astype(np.float32),
                                 "intercept": model.intercept_.astype(np.float32),
                                 "classes": np.array(model.classes_)})

    def score(self, text: str) -> Dict[str, float]:
        features = sparse.hstack([v.transform([text]) for v in self.vectorizers.values()]).tocsr()
        logits = np.asarray(features @ self.weights["coef"].T).ravel() + self.weights["intercept"]
        probabilities = np.exp(logits - logits.max())
        probabilities /= probabilities.sum()
        return {str(c): round(float(p), 4) for c, p in zip(self.weights["classes"], probabilities)}

    def save(self, directory) -> None:
        np.savez(directory / WEIGHTS_FILE, **self.weights,
                 **{f"idf_{name}": v.idf_ for name, v in self.vectorizers.items()})
        vocabularies = {name: sorted(v.vocabulary_, key=v.vocabulary_.get) for name, v in self.vectorizers.items()}
        (directory / VOCABULARY_FILE).write_text(json.dumps(vocabularies), encoding="utf-8")

    @classmethod
    def load(cls, directory) -> "Scorer":
        vocabularies = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as stored:
            weights = {k: stored[k] for k in ("coef", "intercept", "classes")}
            vectorizers = {}
            for name, options in VECTORIZERS.items():
                vectorizer = TfidfVectorizer(**options, vocabulary=vocabularies[name])
                vectorizer.idf_ = stored[f"idf_{name}"]
                vectorizers[name] = vectorizer
        return cls(vectorizers, weights)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RiskClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C: the regression's inverse regularisation strength.
        return {"C": 4.0, "random_seed": 7}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 scorer: Optional[Scorer] = None) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self._scorer = scorer

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "RiskClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        if len({label_of(m.get(INTENT)) for m in examples}) < 2:
            return self._resource  # nothing to tell apart: the triage uses the rest
        self._scorer = Scorer.fit([m.get(TEXT) for m in examples], [label_of(m.get(INTENT)) for m in examples],
                                  float(self.config["C"]), int(self.config["random_seed"]))
        with self._model_storage.write_to(self._resource) as directory:
            self._scorer.save(directory)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "RiskClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                scorer = Scorer.load(directory)
        except (ValueError, FileNotFoundError):
            scorer = None  # not trained (no examples): the triage then uses the rest
        return cls(config, model_storage, resource, scorer)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._scorer is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if text.strip():
                message.set(SCORES, self._scorer.score(text), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
