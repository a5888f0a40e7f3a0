"""Which crisis, and whose: a learned guess for crises that no pattern names.

The crisis patterns name a kind (suicide, self-harm, an overdose now, harm to others,
voices, a recent attempt) only for wording someone wrote down. When DIET's crisis intent
decides alone, the reply used to fall back to the suicide-oriented lines, so "my mate's gone
blue after a line of something" got the help lines before the steps for an overdose. This
component learns the kind, and whether the person at risk is someone else, from the crisis
examples' metadata (tools/faqgen.py writes it from data/risk/crisis.yml): word and
character n-grams with a logistic regression. Risk triage (addons/risk_triage.py) reads its
guess only where no pattern decided; it changes no tier.
"""
import json
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, METADATA, METADATA_EXAMPLE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from content.risk import CRISIS_INTENT, KIND_GUESS

MODEL_FILE = "crisis_kind.json"
# Words carry "machete" or "narcan"; character n-grams carry misspellings and dialect
# ("gonnae", "telt"). Both, as measured by cross-validation on data/risk/crisis.yml.
VECTORIZERS = {
    "words": {"ngram_range": (1, 2), "sublinear_tf": True},
    "chars": {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 2},
}


def _vectorizer(name: str, vocabulary=None) -> TfidfVectorizer:
    return TfidfVectorizer(vocabulary=vocabulary, **VECTORIZERS[name])


class KindModel:
    """Two regressions on the same features: the kind (one of several), and about_other."""

    def __init__(self, state: Dict[str, Any]) -> None:
        self.state = state
        self.vectorizers = []
        for name in VECTORIZERS:
            vectorizer = _vectorizer(name, state[name]["vocabulary"])
            vectorizer.idf_ = np.asarray(state[name]["idf"])
            self.vectorizers.append(vectorizer)

    @classmethod
    def fit(cls, texts: List[str], kinds: List[str], others: List[bool], C: float, seed: int) -> "KindModel":
        state: Dict[str, Any] = {}
        vectorizers = []
        for name in VECTORIZERS:
            vectorizer = _vectorizer(name).fit(texts)
            state[name] = {"vocabulary": {k: int(v) for k, v in vectorizer.vocabulary_.items()},
                           "idf": vectorizer.idf_.tolist()}
            vectorizers.append(vectorizer)
        features = hstack([v.transform(texts) for v in vectorizers]).tocsr()
        for key, labels in (("kind", kinds), ("about_other", others)):
            if len(set(labels)) < 2:
                continue  # nothing to tell apart: no guess
            model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=seed)
            model.fit(features, labels)
            state[key] = {"coef": model.coef_.tolist(), "intercept": model.intercept_.tolist(),
                          "classes": [str(c) for c in model.classes_]}
        return cls(state)

    def _probabilities(self, key: str, features) -> Dict[str, float]:
        weights = self.state.get(key)
        if not weights:
            return {}
        logits = features @ np.asarray(weights["coef"]).T + np.asarray(weights["intercept"])
        logits = np.ravel(logits)
        if len(weights["classes"]) == 2:  # a binary regression keeps one row of weights
            logits = np.array([0.0, logits[0]])
        exp = np.exp(logits - logits.max())
        return {c: round(float(p), 4) for c, p in zip(weights["classes"], exp / exp.sum())}

    def guess(self, text: str) -> Dict[str, Any]:
        features = hstack([v.transform([text]) for v in self.vectorizers]).tocsr()
        kinds = self._probabilities("kind", features)
        other = self._probabilities("about_other", features)
        return {"kinds": kinds, "about_other": other.get("True", 0.0)}


def training_examples(training_data: TrainingData) -> List[Message]:
    return [m for m in training_data.intent_examples
            if m.get(INTENT) == CRISIS_INTENT and (_example_metadata(m).get("kind"))]


def _example_metadata(message: Message) -> Dict[str, Any]:
    return ((message.get(METADATA) or {}).get(METADATA_EXAMPLE)) or {}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class CrisisKindClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C: the regressions' inverse regularisation strength (cross-validated).
        return {"C": 10.0, "random_seed": 7}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[KindModel] = None) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "CrisisKindClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = training_examples(training_data)
        if examples:
            self._model = KindModel.fit(
                [m.get(TEXT) for m in examples],
                [str(_example_metadata(m)["kind"]) for m in examples],
                [str(bool(_example_metadata(m).get("about_other"))) for m in examples],
                float(self.config["C"]), int(self.config["random_seed"]))
            # JSON, not a pickle: loading a model never runs code from it.
            with self._model_storage.write_to(self._resource) as directory:
                (directory / MODEL_FILE).write_text(json.dumps(self._model.state), encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "CrisisKindClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                model = KindModel(json.loads((directory / MODEL_FILE).read_text(encoding="utf-8")))
        except (ValueError, FileNotFoundError):
            model = None  # trained without crisis examples: the triage keeps its own rules
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if text.strip():
                message.set(KIND_GUESS, self._model.guess(text), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
