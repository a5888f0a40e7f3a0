"""Replies for when the assistant is unsure or the question is outside its scope."""
from typing import Any, Dict, List, Sequence, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import content
from content import risk
from actions.replies import send_with_safety
from actions.selection import selected_topic

# A suggestion is offered only if the selector gave it at least this much weight.
MIN_SUGGESTION_CONFIDENCE = 0.1


def clarify(
    dispatcher: CollectingDispatcher,
    ranking: Sequence[Tuple[str, float]],
    reason: str,
    confidence: float,
) -> None:
    """Ask what the patient meant, offering the likeliest topics as buttons: never a guess."""
    topics = content.faq_topics()
    buttons = [
        {"title": topics[name]["title"], "payload": topics[name]["title"]}
        for name, score in ranking[:2]
        if name in topics and score >= MIN_SUGGESTION_CONFIDENCE
    ]
    text = "Sorry, I'm not sure I understood."
    text += " Did you mean one of these?" if buttons else " Could you put it another way?"
    send_with_safety(
        dispatcher,
        text=text,
        warning_ids=["general_information"],
        review={"topic": None, "fallback": reason, "confidence": round(confidence, 4)},
        buttons=buttons,
    )


class ActionClarify(Action):
    """Low NLU confidence, or no rule fits."""

    def name(self) -> Text:
        return "action_clarify"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        intents = [i.get("name") for i in (message.get("intent_ranking") or [])[:3]]
        # Offer FAQ topics only when the classifier leaned towards the FAQ at all, and
        # never to a message the risk triage marked: that gets the check-in, not guesses.
        leaned_faq = content.RETRIEVAL_INTENT in intents and risk.tier(message) == risk.NONE
        ranking = selected_topic(message)[2] if leaned_faq else []
        confidence = float((message.get("intent") or {}).get("confidence") or 0.0)
        clarify(dispatcher, ranking, reason="low_intent_confidence", confidence=confidence)
        return []


class ActionOutOfScope(Action):
    def name(self) -> Text:
        return "action_out_of_scope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        send_with_safety(
            dispatcher,
            text=(
                "I can only help with questions about PTSD and its treatments. For anything "
                "else about your health, a doctor, nurse or pharmacist is the best person to "
                "ask. If you need urgent help, call "
                + content.emergency_number()
                + "."
            ),
            warning_ids=["general_information"],
            review={"topic": None, "fallback": "out_of_scope"},
        )
        return []
