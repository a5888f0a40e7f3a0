"""The storage banner reads the Rasa server's /health/storage over HTTP; here a small HTTP
server answers in its place with each kind of report."""
import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from review import storage_banner

FAILING = {"status": "failing", "message": "Conversations are NOT being stored: the database has failed."}
OK = {"status": "ok", "message": "Conversations are being stored (last check now)."}


@pytest.fixture
def health(monkeypatch):
    answer = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(answer["report"]).encode()
            self.send_response(200 if answer["report"]["status"] == "ok" else 503)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("REVIEW_RASA_URL", f"http://127.0.0.1:{server.server_port}")
    storage_banner.forget()
    yield answer
    server.shutdown()
    storage_banner.forget()


def test_a_failing_store_shows_as_failing(health):
    health["report"] = FAILING
    assert asyncio.run(storage_banner.status()) == {"level": "failing", "message": FAILING["message"]}


def test_a_working_store_shows_as_ok(health):
    health["report"] = OK
    assert asyncio.run(storage_banner.status())["level"] == "ok"


def test_no_answer_is_not_taken_for_health(monkeypatch):
    monkeypatch.setenv("REVIEW_RASA_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    storage_banner.forget()
    status = asyncio.run(storage_banner.status())
    storage_banner.forget()
    assert status["level"] == "unknown" and "Could not ask" in status["message"]
