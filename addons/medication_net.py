"""The medication-risk net: high-risk medication questions, caught by rule.

Runs after the classifiers and after the crisis net, whose verdict it never touches. If a message
names a medication (entity ruler) and its wording asks for a dose, about stopping
suddenly or about getting opioids (addons/medication_patterns.yml), or names an
opioid together with a sedative or an antidepressant, the intent becomes that
high-risk intent, so the answer names the specific risk and never a dose. Its choice
also replaces the classifier's among the high-risk intents, since its order picks the
most specific risk. A message the crisis net marked stays a crisis, but keeps the
finding, so the crisis reply can name the specific risk too.
"""
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from addons import pattern_matching
from content.risk import RISK

PATTERNS_FILE = Path(__file__).with_name("medication_patterns.yml")
PROPERTY = "medication_risk"
# When wording fits several, the first wins: its warning is the most specific.
HIGH_RISK_INTENTS = ("mixing_substances", "obtain_opioids", "stop_suddenly", "ask_dose")
MEDICATIONS = {"opioid", "benzodiazepine", "sleeping_pill", "ssri", "snri", "antidepressant"}
OPIOID = "opioid"
MIXES_WITH_OPIOIDS = {"alcohol", "benzodiazepine", "sleeping_pill", "ssri", "snri", "antidepressant"}


def classify(doc, phrases, tokens) -> Optional[Dict[str, Any]]:
    """The high-risk intent this doc asks about, with what matched; None if none."""
    classes = {ent.label_ for ent in doc.ents}
    if not classes & MEDICATIONS:
        return None
    found = {}
    for label, span in pattern_matching.matches(doc, phrases, tokens):
        found.setdefault(label, span.text)
    if OPIOID in classes and classes & MIXES_WITH_OPIOIDS:
        found.setdefault("mixing_substances", ", ".join(sorted(classes)))
    for intent in HIGH_RISK_INTENTS:
        if intent in found:
            return {"intent": intent, "matched": found[intent], "classes": sorted(classes)}
    return None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False, model_from="SpacyNLP"
)
class MedicationRiskNet(pattern_matching.RuleNet):
    PATTERNS_FILE = PATTERNS_FILE

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            found = classify(doc, *self.matchers(model))
            if found is None:
                continue
            message.set(PROPERTY, found, add_to_output=True)
            # a crisis or a distressed message keeps its triage; the reply adds the risk
            if not message.get(RISK):
                pattern_matching.override_intent(message, found["intent"])
        return messages
