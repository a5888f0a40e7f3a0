"""The website chat channel: the chat page, its assets and its webhook, under /chat/.

Serving the page from the Rasa server keeps the chat on the assistant's own origin:
CORS can stay closed to every other site, and a host site embeds the chat in an
iframe (see static/embed.js) instead of calling the webhook itself. Messages go
through the same guard as the patient REST channel (`GuardedChannel`).
"""
import os
from pathlib import Path
from typing import Any, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage, NotFound
from sanic.request import Request

from addons.channels import MAX_SENDER_CHARS, GuardedChannel, json_body
from webchat.page import render_page

STATIC_DIR = Path(__file__).parent / "static"
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
# What the page may show of a bot message. Review metadata (confidence, citation, ...)
# stays in the transcript: the patient needs the text, the buttons and the kind of part.
PARTS = {"answer", "warning", "referral", "crisis"}


def embed_origins() -> str:
    """Sites allowed to frame the chat: the same setting as CORS (`make run`)."""
    origins = os.environ.get("CORS_ORIGINS", "").split()
    return " ".join(o for o in origins if o.startswith(("http://", "https://")))


def security_headers(path: str) -> Dict[str, str]:
    headers = {
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; "
            f"frame-ancestors 'self' {embed_origins()}".rstrip()
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }
    # The page and the replies hold health conversations: no caching of either.
    if not path.startswith("/chat/static/"):
        headers["Cache-Control"] = "no-store"
    return headers


class ReplyCollector(CollectingOutputChannel):
    """Collects the bot's messages as the page shows them: text, buttons, part."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        reply: Dict[str, Any] = {"text": str(message.get("text") or "")}
        buttons = message.get("buttons") or message.get("quick_replies") or []
        if buttons:
            reply["buttons"] = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in buttons
                if isinstance(b, dict)
            ]
        if message.get("part") in PARTS:
            reply["part"] = message["part"]
        if reply["text"] or buttons:
            self.messages.append(reply)


def _read_request(request: Request) -> tuple:
    body = json_body(request)
    sender, text = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise InvalidUsage(f'"sender" must be a string of 1 to {MAX_SENDER_CHARS} characters.')
    if not isinstance(text, str):
        raise InvalidUsage('"message" must be a string.')
    return sender, text


class WebChatInput(GuardedChannel, InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "webchat"

    def url_prefix(self) -> Text:
        # Absolute, so Rasa mounts it at /chat rather than under /webhooks/.
        return "/chat"

    def blueprint(self, on_new_message) -> Blueprint:
        chat = Blueprint("webchat", url_prefix="/chat")
        handle = self.guarded(on_new_message)

        @chat.middleware("response")
        async def add_security_headers(request: Request, resp) -> None:
            for key, value in security_headers(request.path).items():
                resp.headers.setdefault(key, value)

        @chat.route("/", methods=["GET"])
        async def page(_request: Request):
            return response.html(render_page())

        @chat.route("/static/<name>", methods=["GET"])
        async def static(_request: Request, name: str):
            path = STATIC_DIR / name
            if path.suffix not in STATIC_TYPES or path.parent != STATIC_DIR or not path.is_file():
                raise NotFound("No such file.")
            return response.text(
                path.read_text(encoding="utf-8"), content_type=STATIC_TYPES[path.suffix]
            )

        @chat.route("/health", methods=["GET"])
        async def health(request: Request):
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"status": "loading"}, status=503)
            return response.json({"status": "ok"})

        @chat.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            sender, text = _read_request(request)
            collector = ReplyCollector()
            await handle(UserMessage(text, collector, sender, input_channel=self.name()))
            return response.json(collector.messages)

        return self.remember_app(chat)
