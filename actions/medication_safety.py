"""High-risk medication questions: never a dose or a source; the specific risk instead."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import content
from actions.replies import send_with_safety
from actions.warnings import ANTIDEPRESSANT, SEDATING, SUBSTANCE_USE, entity_classes

OPENING = {
    "ask_dose": "I can't tell you how much to take, but I can tell you why that matters.",
    "mixing_substances": "That combination can be dangerous. Here's what to know.",
    "stop_suddenly": "Stopping suddenly can be risky. Here's what to know.",
    "obtain_opioids": "I can't help with getting opioids, but I can tell you about the risks.",
}


def risk_warnings(intent: str, classes: set) -> List[str]:
    """The warnings that name this question's specific risk, most specific first."""
    if intent == "ask_dose":
        chosen = ["no_doses"]
    elif intent == "mixing_substances":
        chosen = []
        if classes & SEDATING or not classes & ANTIDEPRESSANT:
            chosen.append("opioid_mixing")
        if classes & ANTIDEPRESSANT:
            chosen.append("opioid_ssri_interaction")
    elif intent == "stop_suddenly":
        chosen = ["opioid_stopping"]
    else:
        chosen = ["not_your_prescription", "opioid_addiction"]
    # Alcohol, cannabis or pills from outside a pharmacy: add the SAMHSA helpline.
    if classes & SUBSTANCE_USE or intent == "obtain_opioids":
        chosen.append("substance_use")
    return chosen


class ActionMedicationSafety(Action):
    def name(self) -> Text:
        return "action_medication_safety"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name") or "ask_dose"
        classes = entity_classes(message.get("entities"))
        send_with_safety(
            dispatcher,
            text=OPENING.get(intent, OPENING["ask_dose"]),
            warning_ids=risk_warnings(intent, classes),
            review={"topic": f"medication_safety/{intent}", "entities": sorted(classes),
                    "confidence": round(float((message.get("intent") or {}).get("confidence") or 0), 4)},
            referral=content.medication_referral(),
        )
        return []
