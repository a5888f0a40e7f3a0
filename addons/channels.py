"""The patient-facing REST channel, guarded, and the guard the website chat shares.

Every message passes through `message_guard.clean_text` and gets a reply (`safe_reply`);
malformed requests get a clear 400 instead of a 500, but metadata a patient's client got
wrong is dropped, never a reason to leave a message unanswered. Rasa's socket.io channel
is not offered: nothing here uses it, and without a token bound to the sender any client
that knows a session id could join its room and read its replies.
"""
import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from addons.message_guard import clean_text
from addons.rate_limit import THROTTLED_MESSAGE, SenderLimiter
from addons.safe_reply import WatchedOutput, send_fallback
from content import emergency_number, risk

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
# Metadata is stored with the turn: a patient may not make it large or deep (a 500-deep
# object made the store's write raise and the turn was lost). Beyond these it is dropped.
MAX_METADATA_CHARS = 2000
MAX_METADATA_DEPTH = 5
# Sanic reads up to 100 MB by default. A 20,000-character message (message_guard's cut)
# written as JSON escapes fits well inside this; anything bigger gets a 413 unread.
MAX_BODY_BYTES = 128 * 1024


def _deeper_than(value, limit: int) -> bool:
    """Whether `value` nests more than `limit` levels, found without recursion (a
    500-deep object would exceed Python's recursion limit and answer with a 500)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            if level > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return False


def _metadata_problem(metadata) -> Optional[str]:
    """Why `metadata` cannot go with the turn, or None. Says only its kind and size: the
    reason is logged, and the content may be anything a patient typed."""
    if not isinstance(metadata, dict):
        return f"not an object but {type(metadata).__name__}"
    # depth first: measuring a very deep object's size would itself recurse too deep
    if _deeper_than(metadata, MAX_METADATA_DEPTH):
        return f"deeper than {MAX_METADATA_DEPTH} levels"
    size = len(json.dumps(metadata))
    if size > MAX_METADATA_CHARS:
        return f"{size} characters, over {MAX_METADATA_CHARS}"
    return None


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# One limiter for every patient channel: a sender is the same person on both webhooks.
LIMITER = SenderLimiter()


async def _at_risk(app, text: str) -> bool:
    """Whether the whole NLU pipeline, as the turn would run it, reads a crisis or distress.
    With no model loaded yet, or a parse that fails, the turn cannot be judged: it is not
    refused (the handler answers it, with its safe fallback if need be)."""
    agent = getattr(app.ctx, "agent", None)
    if agent is None or not agent.is_ready():
        return True
    try:
        parse = await agent.parse_message(text)
    except Exception:  # never a 500 from the rate limit itself
        logger.exception("Rate limit: could not judge a throttled message; letting it through")
        return True
    return risk.tier(parse) in (risk.CRISIS, risk.DISTRESS)


class GuardedChannel:
    """Mixin for an input channel: clean input, and a reply for every message."""

    _app = None

    def guarded(self, on_new_message: OnNewMessage) -> OnNewMessage:
        async def handle(message: UserMessage) -> None:
            message.text, notes = clean_text(message.text)
            if notes:
                message.metadata = {**(message.metadata or {}), "input_guard": notes}
            output = WatchedOutput(message.output_channel)
            message.output_channel = output
            reason = "no_reply"
            try:
                await on_new_message(message)
            except Exception:
                logger.exception("Handling a message from %s failed", message.sender_id)
                reason = "error"
            if output.sent == 0 and self._app is not None:
                await send_fallback(self._app.ctx.agent, message.sender_id, output.inner, reason)

        async def shielded(message: UserMessage) -> None:
            # A patient who closes the page mid-turn still has the turn run and stored.
            try:
                await asyncio.shield(handle(message))
            except asyncio.CancelledError:
                # Not re-raised: Rasa's REST channel would log the message's text for it.
                logger.warning("The request for a message from %s ended before the reply; the turn goes on",
                               message.sender_id)

        return shielded

    def remember_app(self, blueprint: Blueprint) -> Blueprint:
        """The app for the fallback reply, the body limit, and the per-sender rate limit."""
        @blueprint.listener("before_server_start")
        async def remember(app, _loop) -> None:
            self._app = app
            app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

        @blueprint.middleware("request")
        async def throttle(request: Request):
            if request.method != "POST":
                return None
            try:
                body = request.json
            except Exception:  # the handler answers a body that is not JSON with its 400
                return None
            sender, text = (body.get("sender"), body.get("message")) if isinstance(body, dict) else (None, None)
            if not isinstance(sender, str) or LIMITER.allow(sender):
                return None
            if isinstance(text, str) and await _at_risk(request.app, clean_text(text)[0]):
                return None  # a person in crisis or distress is never refused
            logger.warning("Rate limit: a message from %s was refused", sender)
            return response.json({"error": "too_many_messages", "text": THROTTLED_MESSAGE.format(
                emergency=emergency_number())}, status=429)

        return blueprint


def json_body(request: Request) -> dict:
    """The request's JSON object, or a 400 that says what to send."""
    try:
        body = request.json
    except Exception:  # Sanic raises its own error type for invalid JSON
        body = None
    if not isinstance(body, dict):
        raise InvalidUsage('Send a JSON object like {"sender": "id", "message": "text"}.')
    return body


class PatientRestInput(GuardedChannel, RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = json_body(req).get("sender")
        if not isinstance(sender, str) or not sender.strip():
            raise InvalidUsage('"sender" is required: a string that identifies the conversation.')
        if len(sender) > MAX_SENDER_CHARS:
            raise InvalidUsage(f'"sender" must be at most {MAX_SENDER_CHARS} characters.')
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = json_body(req).get("message")
        if message is None:
            return ""
        if not isinstance(message, str):
            raise InvalidUsage('"message" must be a string.')
        return message

    def _extract_input_channel(self, req: Request) -> Text:
        # Rasa takes the channel's name from the body; a patient could then store any value
        # in its place (an object, a long string) and break the review summary's write.
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        # A 400 here cost a patient the reply, a crisis reply too, for what a client sent
        # beside the message: metadata that is not fit to keep goes, the message stays.
        metadata = json_body(request).get("metadata")
        if metadata is None:
            return None
        problem = _metadata_problem(metadata)
        if problem:
            logger.warning("Metadata dropped from a message (%s); the message is answered without it", problem)
            return None
        return metadata

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return self.remember_app(super().blueprint(self.guarded(on_new_message)))
