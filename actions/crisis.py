"""The crisis reply: resources first, overdose steps when needed, and a check-in."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import content

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
        kinds = crisis_kinds(tracker.latest_message or {})
        messages = content.crisis_messages(overdose="overdose" in kinds)
        for index, text in enumerate(messages):
            review = {"crisis": True, "kinds": kinds} if index == 0 else None
            dispatcher.utter_message(text=text, part="crisis", review=review)
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
