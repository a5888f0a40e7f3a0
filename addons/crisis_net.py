"""The crisis net: a rule-based check inside the NLU pipeline that no classifier outvotes.

It runs after every classifier, including the FallbackClassifier (only the
medication-risk net follows, and it leaves crisis messages alone). If its patterns
match (addons/crisis_patterns.yml), or the classifier itself chose `crisis`, the
message's intent becomes `crisis` with full confidence, and the parse output gains a
`crisis` entry ({"kinds": [...], "matches": [...]}) that the actions and the
transcript review read. Being in the pipeline, it holds on every channel.
"""
from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from addons import pattern_matching

CRISIS_INTENT = "crisis"
CRISIS_PROPERTY = "crisis"
PATTERNS_FILE = Path(__file__).with_name("crisis_patterns.yml")


def build_matchers(nlp, path: Path = PATTERNS_FILE):
    return pattern_matching.build_matchers(nlp, path)


# "I took 2 tylenol" is ordinary; "I took 20 percocets" is an overdose.
OVERDOSE_MIN_COUNT = 5


def _count(span) -> float:
    for token in span:
        if token.like_num:
            try:
                return float(token.text.replace(",", ""))
            except ValueError:
                return OVERDOSE_MIN_COUNT  # a number word such as "twenty"
    return 0


def find_crisis(doc, phrases, tokens) -> Dict[str, Any]:
    """{"kinds": sorted kinds, "matches": matched text} for a spaCy doc; empty if none."""
    found = {}
    for kind, span in pattern_matching.matches(doc, phrases, tokens):
        if kind == "overdose_count":
            if _count(span) < OVERDOSE_MIN_COUNT:
                continue
            kind = "overdose"
        found.setdefault(kind, span.text)
    if not found:
        return {}
    return {"kinds": sorted(found), "matches": [found[k] for k in sorted(found)]}


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False, model_from="SpacyNLP"
)
class CrisisNet(pattern_matching.RuleNet):
    PATTERNS_FILE = PATTERNS_FILE

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # The classifier's own crisis intent counts from this confidence up.
        return {"classifier_threshold": 0.5}

    def _check(self, message: Message, model: SpacyModel) -> None:
        text = message.get(TEXT) or ""
        doc = message.get(SPACY_DOCS[TEXT]) or (model.model(text) if text else None)
        found = find_crisis(doc, *self.matchers(model)) if doc is not None else {}
        threshold = float(self.config["classifier_threshold"])
        intent = message.get(INTENT) or {}
        classifier_says_crisis = (
            intent.get("name") == CRISIS_INTENT and (intent.get("confidence") or 0) >= threshold
        ) or any(
            # a crisis intent outvoted only by the fallback still counts
            i.get("name") == CRISIS_INTENT and (i.get("confidence") or 0) >= threshold
            for i in message.get(INTENT_RANKING_KEY) or []
        )
        if not found and not classifier_says_crisis:
            return
        kinds = found.get("kinds") or ["classifier"]
        message.set(
            CRISIS_PROPERTY,
            {"kinds": kinds, "matches": found.get("matches", []), "classifier": classifier_says_crisis},
            add_to_output=True,
        )
        pattern_matching.override_intent(message, CRISIS_INTENT)

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            self._check(message, model)
        return messages
