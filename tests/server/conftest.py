"""Start the real action server and Rasa server once for the server tests.

They listen on spare ports (not 5005/5055), so a `make run` can stay up meanwhile,
and store conversations in a fresh SQLite file that the tests read back.
"""
import json
import os
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "ptsd-assistant.tar.gz"
RASA_PORT = int(os.environ.get("TEST_RASA_PORT", "5105"))
ACTION_PORT = int(os.environ.get("TEST_ACTION_PORT", "5155"))
STARTUP_SECONDS = 240


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early; see {log}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} not up after {STARTUP_SECONDS}s; see {log}")


class Servers:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.db = tmp / "conversations.db"
        self.env = {
            **os.environ,
            "TRACKER_URL": f"sqlite:///{self.db}",
            "ACTION_ENDPOINT_URL": f"http://localhost:{ACTION_PORT}/webhook",
            "RASA_TELEMETRY_ENABLED": "false",
        }
        self.processes = {}
        self.webhook = f"http://localhost:{RASA_PORT}/webhooks/rest/webhook"

    def _start(self, name, args, health):
        log = self.tmp / f"{name}.log"
        process = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        self.processes[name] = process
        _wait_until_up(health, process, log)

    def start_actions(self):
        self._start(
            "actions",
            [str(BIN / "rasa"), "run", "actions", "--port", str(ACTION_PORT)],
            f"http://localhost:{ACTION_PORT}/health",
        )

    def stop_actions(self):
        process = self.processes.pop("actions")
        process.terminate()
        process.wait(timeout=30)

    def start_rasa(self):
        self._start(
            "rasa",
            [str(BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(RASA_PORT),
             "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
            f"http://localhost:{RASA_PORT}/webhooks/rest/",
        )

    def stop_all(self):
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def send(self, message, sender=None, **extra) -> list:
        """POST one message; return the bot's messages (raises on an HTTP error)."""
        body = {"sender": sender or f"test-{uuid.uuid4()}", "message": message, **extra}
        response = requests.post(self.webhook, json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def events(self, sender) -> list:
        """The events stored for `sender` in the SQL tracker store, oldest first."""
        with sqlite3.connect(self.db) as db:
            rows = db.execute(
                "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            ).fetchall()
        return [(kind, json.loads(data)) for kind, data in rows]


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    running = Servers(tmp_path_factory.mktemp("servers"))
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop_all()


def texts(messages) -> list:
    return [m.get("text", "") for m in messages]
