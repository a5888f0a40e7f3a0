"""Replies to risk: the crisis reply by kind, its follow-up, and the distress check-in."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import content
from actions.medication_safety import risk_warnings
from actions.replies import safety_note_message, send_with_safety
from content import risk

CRISIS_SLOT = "crisis_flag"


def send_medication_risk(dispatcher: CollectingDispatcher, latest: dict) -> None:
    """A message at risk that also asks about pills from a dealer, or mixing, still hears
    that specific danger: it may be what keeps them safe tonight."""
    found = latest.get("medication_risk")
    if found:
        # one "Safety note" holding every warning, as after an answer
        dispatcher.utter_message(
            **safety_note_message(risk_warnings(found["intent"], set(found.get("classes") or [])))
        )


def send_crisis_reply(dispatcher: CollectingDispatcher, latest: dict) -> None:
    kinds = risk.kinds(latest)
    about_other = risk.about_other(latest)
    *support, check_in = content.crisis_messages(kinds, about_other=about_other)
    for index, text in enumerate(support):
        review = {"crisis": True, "kinds": kinds, "about_other": about_other} if index == 0 else None
        dispatcher.utter_message(text=text, part="crisis", review=review)
    send_medication_risk(dispatcher, latest)
    dispatcher.utter_message(text=check_in, part="crisis")


class ActionCrisisResponse(Action):
    """Crisis language, or "yes" / "not sure" to the distress check-in's question."""

    def name(self) -> Text:
        return "action_crisis_response"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        send_crisis_reply(dispatcher, tracker.latest_message or {})
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


class ActionDistressCheckIn(Action):
    """Distress with unclear risk: acknowledge, ask directly, offer a person now.

    Never an FAQ guess: the question's quick replies lead to the crisis reply (yes, not
    sure) or to support and topics that help (no).
    """

    def name(self) -> Text:
        return "action_distress_check_in"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        check_in = content.distress_check_in()
        review = {"distress": True, "kinds": risk.kinds(latest)}
        dispatcher.utter_message(text=check_in["acknowledge"], part="crisis", review=review)
        dispatcher.utter_message(text=check_in["question"], part="crisis", buttons=check_in["replies"])
        send_medication_risk(dispatcher, latest)
        dispatcher.utter_message(text=check_in["person_now"], part="crisis")
        dispatcher.utter_message(text=content.referral(), part="referral")
        return []


class ActionDistressSupported(Action):
    """"No" to the check-in's question: a supportive line, then topics that can help."""

    def name(self) -> Text:
        return "action_distress_supported"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        supported = content.distress_supported()
        send_with_safety(
            dispatcher,
            text=supported["text"],
            warning_ids=["general_information"],
            review={"topic": None, "distress": True, "answered": "no"},
            buttons=supported["topics"],
        )
        return []
