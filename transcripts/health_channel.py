"""GET /health/storage: 200 while conversations are being stored, 503 while they are not.

A channel only so that Rasa serves the route (credentials.yml lists it); it takes no
messages. The body is JSON with a plain `message` for people, and counts for monitors.
It names the error's class but not its text, which can carry connection details.
"""
from typing import Text

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request

from transcripts import health


class StorageHealthInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "storage_health"

    def url_prefix(self) -> Text:
        # absolute, so Rasa's urljoin("/webhooks/", ...) leaves it as it is
        return "/health"

    def blueprint(self, on_new_message) -> Blueprint:
        blueprint = Blueprint("storage_health", __name__)

        @blueprint.route("/storage", methods=["GET"])
        async def storage(request: Request):
            store = health.watched()
            if store is None:
                return response.json(
                    {"status": "unknown", "message": "Storage health is unknown: the tracker "
                     "store is not transcripts.tracker_store.RedactingSQLTrackerStore."},
                    status=503,
                )
            report = store.probe()
            return response.json(report, status=200 if report["status"] == "ok" else 503)

        return blueprint
