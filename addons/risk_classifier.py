"""A risk classifier on sentence meaning: crisis, distress or none, as probabilities.

The patterns catch explicit wording; phrasings nobody wrote down need features that carry
meaning, not shared words. This component embeds each message with static sentence
vectors (addons/embeddings.py) and scores it with a logistic regression trained on the NLU
examples: the `crisis` and `distress` intents, and every other intent as `none`. Risk
triage (addons/risk_triage.py) reads the scores; it decides nothing itself.

A long post is scored sentence by sentence as well as whole, and the highest risk counts:
one sentence of crisis in 150 words of treatment questions is diluted in the whole
message's average vector.
"""
import re
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression

from addons.embeddings import DEFAULT_DIR, StaticEmbeddings
from content.risk import CRISIS, DISTRESS, NONE, SCORES
LABELS = (CRISIS, DISTRESS, NONE)
MODEL_FILE = "risk_classifier.npz"
# Sentences, and clauses joined by "but", "and then", ...: a risk clause stands alone.
SENTENCE_BREAK = re.compile(r"[.!?;\n]+|,\s+(?:but|and|so|because|then)\s+|\s+but\s+")
MIN_WORDS_TO_SPLIT = 12


def label_of(intent: Optional[str]) -> str:
    return intent if intent in (CRISIS, DISTRESS) else NONE


def pieces(text: str) -> List[str]:
    """The whole text, and for a longer one each of its sentences."""
    if len(text.split()) < MIN_WORDS_TO_SPLIT:
        return [text]
    parts = [p.strip() for p in SENTENCE_BREAK.split(text) if len(p.split()) >= 2]
    return [text] + parts


def fit(vectors: np.ndarray, labels: List[str], C: float, seed: int) -> Dict[str, np.ndarray]:
    """The regression's weights as plain arrays (a saved model never runs code)."""
    # balanced: a few hundred risk examples against a thousand and more others
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=seed)
    model.fit(vectors, labels)
    return {"coef": model.coef_.astype(np.float32), "intercept": model.intercept_.astype(np.float32),
            "classes": np.array(model.classes_)}


def score(weights: Dict[str, np.ndarray], embeddings: StaticEmbeddings, text: str) -> Dict[str, float]:
    """Probability of each tier; for a long text, the riskiest sentence's."""
    vectors = embeddings.embed(pieces(text))
    logits = vectors @ weights["coef"].T + weights["intercept"]
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    classes = [str(c) for c in weights["classes"]]
    by_label = {c: probabilities[:, i] for i, c in enumerate(classes)}
    risk = by_label.get(CRISIS, 0) + by_label.get(DISTRESS, 0)
    row = int(np.argmax(risk)) if np.ndim(risk) else 0
    return {c: round(float(by_label[c][row]), 4) for c in classes}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RiskClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C: the regression's inverse regularisation strength.
        return {"embeddings_dir": None, "C": 4.0, "random_seed": 7}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 weights: Optional[Dict[str, np.ndarray]] = None) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self._weights = weights
        self._embeddings = None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "RiskClassifier":
        return cls(config, model_storage, resource)

    @property
    def embeddings(self) -> StaticEmbeddings:
        if self._embeddings is None:
            self._embeddings = StaticEmbeddings(self.config.get("embeddings_dir") or DEFAULT_DIR)
        return self._embeddings

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        vectors = self.embeddings.embed([m.get(TEXT) for m in examples])
        labels = [label_of(m.get(INTENT)) for m in examples]
        self._weights = fit(vectors, labels, float(self.config["C"]), int(self.config["random_seed"]))
        # Plain arrays, not a pickle: loading a model never runs code from it.
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / MODEL_FILE, **self._weights)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "RiskClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / MODEL_FILE, allow_pickle=False) as stored:
                    weights = {k: stored[k] for k in ("coef", "intercept", "classes")}
        except ValueError:
            weights = None  # not trained (no examples): the triage then uses the rest
        return cls(config, model_storage, resource, weights)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._weights is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if text.strip():
                message.set(SCORES, score(self._weights, self.embeddings, text), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
