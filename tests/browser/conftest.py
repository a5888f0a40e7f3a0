"""Browser tests: the website chat in Debian's headless Chromium, driven by Playwright,
against the real action server and Rasa server (one pair for the whole session).

Ports 5205/5255, so that the server tests (5105/5155) can run at the same time.
"""
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tools.servers import ROOT, running

RASA_PORT = int(os.environ.get("BROWSER_RASA_PORT", "5205"))
ACTION_PORT = int(os.environ.get("BROWSER_ACTION_PORT", "5255"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "results" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}
# Chromium's own calls home are refused on a closed network; these keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    with running(tmp_path_factory.mktemp("browser"), rasa_port=RASA_PORT, action_port=ACTION_PORT) as started:
        yield started


@pytest.fixture(scope="session")
def chat_url(servers):
    return f"http://localhost:{servers.rasa_port}/chat/"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test-browser does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class ChatPage:
    """One patient's tab on the chat page, with what the tests need to read and do."""

    def __init__(self, page, url):
        self.page, self.url = page, url
        self.dialogs, self.errors = [], []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self):
        self.page.goto(self.url)
        self.page.locator("#send-form").wait_for()
        return self

    def send(self, text):
        """Type and send `text`; return when the reply (or a problem) is on the page."""
        before = self.page.locator("#log .msg-bot").count()
        self.page.fill("#message", text)
        self.page.press("#message", "Enter")
        self.wait_for_reply(before)

    def wait_for_reply(self, bot_messages_before):
        self.page.wait_for_function(
            "n => document.querySelectorAll('#log .msg-bot').length > n"
            " || !document.getElementById('problem').hidden",
            arg=bot_messages_before, timeout=60000,
        )
        self.page.locator("#typing").wait_for(state="hidden")

    def bot_texts(self):
        return self.page.locator("#log .msg-bot .text").all_text_contents()

    def messages(self):
        return self.page.locator("#log .msg").all()

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _chat(browser, url, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    chat = ChatPage(page, url)
    yield chat
    context.close()
    assert not chat.errors, f"uncaught errors in the page: {chat.errors}"


@pytest.fixture
def chat(browser, chat_url):
    yield from _chat(browser, chat_url, DESKTOP)


@pytest.fixture
def mobile_chat(browser, chat_url):
    yield from _chat(browser, chat_url, MOBILE)
