"""A reply for every message, even when the action server or the model fails.

Rasa 3.6 logs a failed custom action and sends the patient nothing, after waiting up
to 300 s. Here the wait is cut to ACTION_TIMEOUT_SECONDS, and if a turn ends with no
reply at all, the patient gets one from this module: the crisis resources if the
message was crisis language, otherwise an apology with the referral. The fallback
reply is written to the transcript with `fallback` in its metadata, so staff see it.
"""
import logging
import os
from typing import Any, Dict, List, Optional, Text

import rasa.core.actions.action
import rasa.utils.endpoints
from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.events import BotUttered

import content
from content import risk

logger = logging.getLogger(__name__)

ACTION_TIMEOUT_SECONDS = float(os.environ.get("ACTION_TIMEOUT_SECONDS", "10"))

# Rasa reads this module constant at call time; 3.6 offers no setting for it.
rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_SECONDS
rasa.utils.endpoints.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_SECONDS

APOLOGY = (
    "Sorry, I can't answer right now because of a technical problem. Please try again in "
    "a few minutes."
)


class WatchedOutput(OutputChannel):
    """Passes every reply on to the real channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> Text:  # the NLG picks channel-specific responses by this name
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


def is_crisis(parse_data: Optional[dict]) -> bool:
    return risk.tier(parse_data) == risk.CRISIS


def fallback_messages(parse_data: Optional[dict]) -> List[Dict[Text, Any]]:
    """The reply when the actions gave none: the same help, in the same order, as theirs."""
    tier = risk.tier(parse_data)
    if tier == risk.CRISIS:
        texts = content.crisis_messages(risk.kinds(parse_data), about_other=risk.about_other(parse_data))
        return [{"text": t, "part": "crisis"} for t in texts]
    if tier == risk.DISTRESS:
        check_in = content.distress_check_in()
        return [
            {"text": check_in["acknowledge"], "part": "crisis"},
            {"text": check_in["question"], "part": "crisis"},
            {"text": check_in["person_now"], "part": "crisis"},
            {"text": content.referral(), "part": "referral"},
        ]
    urgent = content.resource_list(
        f"If you need help urgently, call {content.emergency_number()}, or:",
        content.crisis_resource_keys(),
    )
    return [
        {"text": APOLOGY, "part": "answer"},
        {"text": content.referral(), "part": "referral"},
        {"text": urgent, "part": "crisis"},
    ]


async def send_fallback(agent, sender_id: Text, output: OutputChannel, reason: Text) -> None:
    """Send and record the fallback reply for the latest message of `sender_id`."""
    parse_data = None
    tracker = None
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
        parse_data = tracker.latest_message.parse_data if tracker else None
    except Exception:
        logger.exception("Could not read the conversation %s for the fallback reply", sender_id)
    messages = fallback_messages(parse_data)
    logger.error(
        "No reply for sender %s (%s): sent the %s fallback",
        sender_id, reason, risk.tier(parse_data) if risk.tier(parse_data) != risk.NONE else "apology",
    )
    for message in messages:
        await output.send_response(sender_id, {"text": message["text"]})
    if tracker is None:
        return
    try:
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.retrieve(sender_id)
            for message in messages:
                tracker.update(BotUttered(message["text"], metadata={**message, "fallback": reason}))
            await agent.tracker_store.save(tracker)
    except Exception:
        logger.exception("Could not record the fallback reply for %s", sender_id)
