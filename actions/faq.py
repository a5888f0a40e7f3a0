"""Answer a FAQ question, only when the response selector is sure enough."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import content
from actions.clarify import clarify
from actions.replies import send_with_safety
from actions.selection import selected_topic
from actions.warnings import entity_classes, warnings_for

# Rasa's FallbackClassifier looks only at the intent, not at which answer was picked,
# so the action checks the response selector's confidence itself.
MIN_ANSWER_CONFIDENCE = 0.5


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        topic, confidence, ranking = selected_topic(message)
        record = content.faq_topics().get(topic)
        if record is None or confidence < MIN_ANSWER_CONFIDENCE:
            clarify(dispatcher, ranking, reason="low_answer_confidence", confidence=confidence)
            return []
        classes = entity_classes(message.get("entities"))
        send_with_safety(
            dispatcher,
            text=content.answer_text(record),
            warning_ids=warnings_for(record["warnings"], classes),
            review={
                "topic": topic,
                "confidence": round(confidence, 4),
                "intent_confidence": round(float((message.get("intent") or {}).get("confidence") or 0.0), 4),
                "citation": record["citation"],
                "risk": record["risk"],
                "entities": sorted(classes),
            },
        )
        return []
