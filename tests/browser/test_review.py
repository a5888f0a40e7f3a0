"""The staff review flow in Debian's headless Chromium against the real review app (5780)
on SQLite, with conversations written through the real tracker store: log in, filter
crisis conversations, open one, tag it, export the filtered set."""
import csv
import io
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

import content
from tests import review_data
from tests.browser.conftest import DESKTOP, SCREENSHOTS
from tests.server.review_server import ReviewServer, create_account
from tools.servers import ROOT

NAME, PASSWORD = "alex", "correct horse battery"


def _write(url):
    store = review_data.store_for(url)
    review_data.write(store)
    review_data.write(store, day=review_data.DAY - 86400, prefix="earlier-")
    store.engine.dispose()


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("review-browser")
    url = f"sqlite:///{tmp}/conversations.db"
    # in a thread of its own: Playwright's event loop runs in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(_write, url).result()
    assert create_account(url, NAME, PASSWORD).returncode == 0
    server = ReviewServer(tmp, url).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors  # a CSP violation shows up here too


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_log_in_filter_open_tag_export(review, page):
    page.goto(review.base + "/")
    assert page.url.startswith(review.base + "/login")
    page.fill("input[name=name]", NAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.locator("#conversations").wait_for()
    assert page.locator("#storage").is_visible()

    page.check("input[name=crisis]")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/?*crisis=1*")
    opened = page.locator("#conversations a.open")
    assert opened.all_text_contents() == ["crisis-1", "earlier-crisis-1"]
    _shot(page, "review-list-synthetic")

    opened.first.click()
    page.locator("#turns").wait_for()
    assert "[PHONE]" in page.locator("#turns").inner_text()
    page.fill("#tag-form input[name=tag]", "needs follow-up")
    page.click("#tag-form button[type=submit]")
    page.locator("#tags .tag", has_text="needs follow-up").wait_for()
    _shot(page, "review-transcript-synthetic")

    page.go_back()
    page.go_back()
    page.reload()
    assert "needs follow-up" in page.locator("#conversations").inner_text()
    with page.expect_download() as download:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))
    assert [r["sender_id"] for r in rows] == ["crisis-1", "earlier-crisis-1"]
    assert rows[0]["tags"] == "needs follow-up"


def test_logging_out_closes_the_pages(review, page):
    page.goto(review.base + "/login")
    page.fill("input[name=name]", NAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.locator("#conversations").wait_for()
    page.click("header button[type=submit]")
    page.wait_for_url("**/login")
    page.goto(review.base + "/conversation?id=crisis-1")
    assert "/login" in page.url and "[PHONE]" not in page.content()


# Beside the browser tests' real assistant, so the banner reports real storage health.
REAL_REVIEW_PORT = 5782


def _log_in(page, base):
    page.goto(base + "/login")
    page.fill("input[name=name]", NAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.locator("#conversations").wait_for()


def test_real_conversations_from_the_assistant_are_reviewed(servers, page, tmp_path):
    run = uuid.uuid4().hex[:6]
    question, crisis = f"faq-{run}", f"crisis-{run}"
    servers.send("are opioids a treatment for ptsd?", sender=question)
    servers.send("i want to end my life, my number is 07700 900123", sender=crisis)
    url = f"sqlite:///{servers.db}"
    assert create_account(url, NAME, PASSWORD).returncode == 0
    review = ReviewServer(tmp_path, url, port=REAL_REVIEW_PORT,
                          env={"REVIEW_RASA_URL": f"http://localhost:{servers.rasa_port}"}).start()
    try:
        _log_in(page, review.base)
        assert "banner-ok" in page.locator("#storage").get_attribute("class")
        listing = page.locator("#conversations").inner_text()
        assert question in listing and crisis in listing
        list_shot = _shot(page, "review-list")

        page.goto(f"{review.base}/conversation?id={crisis}")
        turns = page.locator("#turns").inner_text()
        assert "[PHONE]" in turns and "07700" not in page.content()
        assert content.resources()["resources"]["lifeline_988"]["how"] in turns

        page.goto(f"{review.base}/conversation?id={question}")
        turns = page.locator("#turns").inner_text()
        topic = content.faq_topics()["opioids_for_ptsd"]
        assert content.answer_text(topic) in turns and content.referral() in turns
        assert "Topic opioids_for_ptsd" in turns and page.locator(".unwarned").count() == 0
        assert f"Source: {', '.join(topic['citation'])}." in turns
        assert page.locator("#turns article").count() == 1  # the session start shows nothing
        transcript_shot = _shot(page, "review-transcript")
    finally:
        review.stop()

    # docs/reviewing.md shows these
    docs = ROOT / "docs" / "screenshots"
    shutil.copy(list_shot, docs / "review-list.png")
    shutil.copy(transcript_shot, docs / "review-transcript.png")
