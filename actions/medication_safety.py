"""High-risk medication questions: never a dose or a source; the risk of the medicine named.

The warnings match the medicine the patient named (its entity class): opioid texts go
only with an opioid, an antidepressant gets the safety facts' line on antidepressants,
and a medicine the safety facts say nothing about, or none named, gets "ask your
prescriber or pharmacist" with no claim about it.

By question, then by the medicine named:

- ask_dose: no_doses; with an opioid also opioid_addiction, with a benzodiazepine
  also benzodiazepines.
- mixing_substances: an opioid with alcohol, a benzodiazepine or a sleeping pill:
  opioid_mixing; with an antidepressant: opioid_ssri_interaction; with nothing the
  facts name: opioid_mixing and ask_before_mixing. No opioid: ask_before_mixing, after
  benzodiazepines if one is named.
- stop_suddenly: an opioid: opioid_stopping; an antidepressant: antidepressant_stopping;
  any other medicine, or none: ask_before_stopping.
- obtain_opioids: an opioid: not_your_prescription, street_pills, opioid_addiction;
  anything else, or none: not_prescribed, street_pills (and benzodiazepines).

Alcohol or cannabis named adds the SAMHSA helpline (substance_use), and so does a
question about getting opioids, benzodiazepines or unnamed pills.
"""
from typing import Any, Dict, Iterable, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import content
from actions.replies import send_with_safety
from actions.warnings import (
    ANTIDEPRESSANT, BENZODIAZEPINE, MEDICINES, OPIOID, SEDATING, SUBSTANCE_USE,
    entity_classes, without_repeats,
)

HIGH_RISK_INTENTS = ("ask_dose", "mixing_substances", "stop_suddenly", "obtain_opioids")
# Medicines the safety facts say what stopping suddenly does to.
STOPPING_COVERED = {OPIOID} | ANTIDEPRESSANT
MORE = " Here's what to know."


def risk_warnings(intent: str, classes: Iterable[str]) -> List[str]:
    """The warnings that name this question's specific risk for the medicine named,
    most specific first. Never empty."""
    classes = set(classes or ())
    opioid = OPIOID in classes
    antidepressant = bool(classes & ANTIDEPRESSANT)
    benzodiazepine = BENZODIAZEPINE in classes
    medicines = classes & MEDICINES
    chosen: List[str] = []
    if intent == "mixing_substances":
        if opioid:
            # an opioid with nothing else known, or with a sedative: the sedative list
            if classes & SEDATING or not antidepressant:
                chosen.append("opioid_mixing")
            if antidepressant:
                chosen.append("opioid_ssri_interaction")
            if not classes & (SEDATING | ANTIDEPRESSANT):
                chosen.append("ask_before_mixing")  # mixed with something the facts don't name
        else:
            if benzodiazepine:
                chosen.append("benzodiazepines")
            chosen.append("ask_before_mixing")
    elif intent == "stop_suddenly":
        if opioid:
            chosen.append("opioid_stopping")
        if antidepressant:
            chosen.append("antidepressant_stopping")
        if not chosen or medicines - STOPPING_COVERED:
            chosen.append("ask_before_stopping")
    elif intent == "obtain_opioids":
        if opioid:
            chosen += ["not_your_prescription", "street_pills", "opioid_addiction"]
        else:
            chosen += ["not_prescribed", "street_pills"]
            if benzodiazepine:
                chosen.append("benzodiazepines")
    else:  # ask_dose, and any other intent that reaches this action
        chosen.append("no_doses")
        if opioid:
            chosen.append("opioid_addiction")
        if benzodiazepine:
            chosen.append("benzodiazepines")
    # Alcohol, cannabis, or pills from outside a pharmacy: add the SAMHSA helpline.
    if classes & SUBSTANCE_USE or (
        intent == "obtain_opioids" and (opioid or benzodiazepine or not medicines)
    ):
        chosen.append("substance_use")
    return without_repeats(chosen)


# What the answer says before the safety note: what the assistant can't do, and never a
# claim the safety note doesn't back. Keyed by question, and by what was named.
OPENING = {
    "ask_dose": "I can't tell you how much to take." + MORE,
    "mixing_substances": "I can't tell you if that mix is safe for you." + MORE,
    "mixing_opioid_sedative": "That mix can be dangerous." + MORE,
    "stop_suddenly": "I can't tell you if it's safe to stop." + MORE,
    "stop_covered": "Stopping suddenly can cause problems." + MORE,
    "obtain_opioids": "I can't help with getting opioids." + MORE,
    "obtain_other": "I can't help with getting medicines." + MORE,
}


def opening(intent: str, classes: Iterable[str]) -> str:
    classes = set(classes or ())
    if intent == "mixing_substances":
        dangerous = OPIOID in classes and classes & SEDATING
        return OPENING["mixing_opioid_sedative" if dangerous else "mixing_substances"]
    if intent == "stop_suddenly":
        return OPENING["stop_covered" if classes & STOPPING_COVERED else "stop_suddenly"]
    if intent == "obtain_opioids":
        return OPENING["obtain_opioids" if OPIOID in classes else "obtain_other"]
    return OPENING["ask_dose"]


class ActionMedicationSafety(Action):
    def name(self) -> Text:
        return "action_medication_safety"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        if intent not in HIGH_RISK_INTENTS:
            intent = "ask_dose"
        classes = entity_classes(message.get("entities"))
        send_with_safety(
            dispatcher,
            text=opening(intent, classes),
            warning_ids=risk_warnings(intent, classes),
            review={"topic": f"medication_safety/{intent}", "entities": sorted(classes),
                    "confidence": round(float((message.get("intent") or {}).get("confidence") or 0), 4)},
            referral=content.medication_referral(),
        )
        return []
