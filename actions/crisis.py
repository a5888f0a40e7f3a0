"""The crisis reply: resources first, overdose steps and medication risks when needed, a check-in."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import content
from actions.medication_safety import risk_warnings

CRISIS_SLOT = "crisis_flag"


def crisis_kinds(latest_message: dict) -> List[str]:
    """What the crisis net in the NLU pipeline found (e.g. suicide, overdose)."""
    return list((latest_message.get("crisis") or {}).get("kinds") or [])


class ActionCrisisResponse(Action):
    def name(self) -> Text:
        return "action_crisis_response"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        kinds = crisis_kinds(latest)
        *support, check_in = content.crisis_messages(overdose="overdose" in kinds)
        for index, text in enumerate(support):
            review = {"crisis": True, "kinds": kinds} if index == 0 else None
            dispatcher.utter_message(text=text, part="crisis", review=review)
        # A crisis message that also asks about pills from a dealer, or mixing, still
        # hears that specific danger: it may be what keeps them safe tonight.
        risk = latest.get("medication_risk")
        if risk:
            for warning_id in risk_warnings(risk["intent"], set(risk.get("classes") or [])):
                dispatcher.utter_message(
                    text=content.warning_text(warning_id), part="warning", warning_id=warning_id
                )
        dispatcher.utter_message(text=check_in, part="crisis")
        return [SlotSet(CRISIS_SLOT, True)]


class ActionCrisisFollowUp(Action):
    """After a crisis reply: stay kind, keep the resources in view, never close."""

    def name(self) -> Text:
        return "action_crisis_follow_up"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=content.crisis_follow_up(), part="crisis", review={"crisis": True})
        return []
