"""Start the real action server and Rasa server as subprocesses, and talk to them.

Used by the server tests and the benchmark, so that both run the assistant exactly
as `make run` does, on ports of their choosing, with a fresh SQLite transcript file.
"""
import json
import os
import sqlite3
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "ptsd-assistant.tar.gz"
# Spare ports, so that a `make run` on 5005/5055 can stay up meanwhile.
RASA_PORT = int(os.environ.get("TEST_RASA_PORT", "5105"))
ACTION_PORT = int(os.environ.get("TEST_ACTION_PORT", "5155"))
STARTUP_SECONDS = 240
# endpoints.yml with the action server's address from ACTION_ENDPOINT_URL, set below: the
# action server is on a port of the caller's choosing (as `make run ACTION_PORT=...`).
ENDPOINTS = "deploy/endpoints.yml"


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
    def __init__(self, tmp: Path, rasa_port: int = RASA_PORT, action_port: int = ACTION_PORT,
                 tracker_url: str = "", env: dict = None, cors_origins: str = "", api_token: str = ""):
        self.rasa_port, self.action_port = rasa_port, action_port
        # As `make run`: only the assistant's own origin, unless told otherwise.
        self.cors_origins = cors_origins or f"http://localhost:{rasa_port}"
        self.api_token = api_token
        self.tmp = tmp
        self.db = tmp / "conversations.db"
        self.env = {
            **os.environ,
            "TRACKER_URL": tracker_url or f"sqlite:///{self.db}",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
            "SANIC_HOST": "127.0.0.1",  # the action server on loopback, as `make run`
            "RASA_TELEMETRY_ENABLED": "false",
            "CORS_ORIGINS": self.cors_origins,
            # Tests, load runs and benchmarks send far faster than a person types: the
            # per-sender limit is off unless a test turns it on (tests/server/test_rate_limit.py).
            "RATE_LIMIT_PER_MINUTE": "0",
            **(env or {}),
        }
        self.processes = {}
        self.health = {}
        self.webhook = f"http://localhost:{rasa_port}/webhooks/rest/webhook"

    # The project a server runs in: ours, or (for the benchmark) the stock `rasa init` one.
    cwd = ROOT

    def _start(self, name, args, health, wait=True):
        log = self.tmp / f"{name}.log"
        process = subprocess.Popen(
            args, cwd=self.cwd, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.processes[name] = process
        self.health[name] = (health, log)
        if wait:
            self.wait_until_up(name)

    def wait_until_up(self, name):
        health, log = self.health[name]
        _wait_until_up(health, self.processes[name], log)

    def start_actions(self, wait=True):
        """Start the action server; with wait=False, return at once (see wait_until_up)."""
        self._start(
            "actions",
            [str(BIN / "rasa"), "run", "actions", "--port", str(self.action_port)],
            f"http://127.0.0.1:{self.action_port}/health",
            wait,
        )

    def stop(self, name):
        process = self.processes.pop(name)
        process.terminate()
        process.wait(timeout=30)

    def stop_actions(self):
        self.stop("actions")

    def stop_rasa(self):
        self.stop("rasa")

    def start_rasa(self, wait=True):
        self._start(
            "rasa",
            [str(BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(self.rasa_port),
             "--endpoints", ENDPOINTS, "--credentials", "credentials.yml",
             "--cors", *self.cors_origins.split(),
             *(["--enable-api", "--auth-token", self.api_token] if self.api_token else [])],
            f"http://localhost:{self.rasa_port}/webhooks/rest/",
            wait,
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

    def storage_health(self):
        """GET /health/storage: (status code, report)."""
        response = requests.get(f"http://localhost:{self.rasa_port}/health/storage", timeout=60)
        return response.status_code, response.json()

    def events(self, sender) -> list:
        """The events stored for `sender` in the SQL tracker store, oldest first."""
        with sqlite3.connect(self.db) as db:
            rows = db.execute(
                "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            ).fetchall()
        return [(kind, json.loads(data)) for kind, data in rows]


@contextmanager
def running(tmp: Path, **settings):
    """Both servers started for a test session or a benchmark, and always stopped."""
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first")
    servers = Servers(tmp, **settings)
    try:
        servers.start_actions()
        servers.start_rasa()
        yield servers
    finally:
        servers.stop_all()
