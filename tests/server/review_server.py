"""The review app as `make review` runs it, in a subprocess on a test port, and a staff
member's browser-like HTTP client for it."""
import os
import re
import subprocess
import time
from pathlib import Path

import requests

from tools.servers import BIN, ROOT

REVIEW_PORT = 5780


def create_account(url: str, name: str, password: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "python"), "-m", "review.accounts", "--url", url, "create", name],
                          input=password + "\n", capture_output=True, text=True, cwd=ROOT, timeout=120)


class ReviewServer:
    def __init__(self, tmp: Path, url: str, port: int = REVIEW_PORT, env: dict = None):
        self.base = f"http://127.0.0.1:{port}"
        self.url = url
        self.log = tmp / "review.log"
        self.env = {**os.environ, "TRACKER_URL": url, "REVIEW_PORT": str(port),
                    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                    # plain HTTP: a Secure cookie would never come back from this client
                    "REVIEW_SECURE_COOKIES": "0",
                    # nothing listens here: the banner must say it cannot tell
                    "REVIEW_RASA_URL": "http://127.0.0.1:5799", **(env or {})}
        # None takes a variable out, as if it had never been set
        self.env = {k: v for k, v in self.env.items() if v is not None}
        self.process = None

    def start(self):
        self.process = subprocess.Popen([str(BIN / "python"), "-m", "review"], cwd=ROOT, env=self.env,
                                        stdout=self.log.open("w"), stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the review app exited:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.base + "/login", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the review app is not up; see {self.log}")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)

    def client(self) -> "Staff":
        return Staff(self.base)


class Staff:
    """A requests session that logs in and sends forms with the page's CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.csrf = None

    def get(self, path, **kwargs):
        response = self.http.get(self.base + path, allow_redirects=False, timeout=60, **kwargs)
        found = re.search(r'name="csrf" value="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path, data, csrf=True, **kwargs):
        data = {**data, **({"csrf": self.csrf} if csrf else {})}
        return self.http.post(self.base + path, data=data, allow_redirects=False, timeout=60, **kwargs)

    def login(self, name, password):
        response = self.post("/login", {"name": name, "password": password}, csrf=False)
        if response.status_code == 303:
            self.get("/")  # picks up the session's CSRF token
        return response
