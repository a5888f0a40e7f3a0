"""Real messages through the real assistant (Rasa 5705, actions 5755, SQLite), then the
review pages (5780) on the same database: what the patient sent is listed, flagged and
shown redacted, and the banner reports the Rasa server's storage health."""
import re
import uuid

import pytest

from tests.server.review_server import ReviewServer, create_account
from tools.servers import MODEL, running

RASA_PORT, ACTION_PORT = 5705, 5755
NAME, PASSWORD = "alex", "correct horse battery"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    with running(tmp_path_factory.mktemp("review-rasa"), rasa_port=RASA_PORT,
                 action_port=ACTION_PORT) as servers:
        yield servers


@pytest.fixture(scope="module")
def conversations(assistant):
    crisis, faq = f"crisis-{uuid.uuid4()}", f"faq-{uuid.uuid4()}"
    assistant.send("i want to end my life, call me on 07700 900123", sender=crisis)
    assistant.send("what is ptsd", sender=faq)
    assistant.send("what is cbt? email sam.jones@example.org", sender=faq)
    return {"crisis": crisis, "faq": faq}


@pytest.fixture(scope="module")
def staff(assistant, conversations, tmp_path_factory):
    url = assistant.env["TRACKER_URL"]
    assert create_account(url, NAME, PASSWORD).returncode == 0
    server = ReviewServer(tmp_path_factory.mktemp("review-app"), url,
                          env={"REVIEW_RASA_URL": f"http://localhost:{RASA_PORT}"}).start()
    try:
        client = server.client()
        assert client.login(NAME, PASSWORD).status_code == 303
        yield client
    finally:
        server.stop()


def _listed(text):
    return re.findall(r'class="open" href="/conversation\?id=([^"]+)"', text)


def test_the_crisis_conversation_is_flagged(staff, conversations):
    assert _listed(staff.get("/?crisis=1").text) == [conversations["crisis"]]
    page = staff.get("/conversation?id=" + conversations["crisis"]).text
    assert "call me on [PHONE]" in page and "900123" not in page
    assert "crisis: suicide" in page and "action_crisis" in page


def test_faq_answers_show_topic_citation_and_warnings(staff, conversations):
    assert conversations["faq"] in _listed(staff.get("/?intent=faq&action=action_answer_faq").text)
    assert conversations["faq"] not in _listed(staff.get("/?crisis=1").text)
    page = staff.get("/conversation?id=" + conversations["faq"]).text
    assert "email [EMAIL]" in page and "sam.jones" not in page
    assert page.count("Topic ") >= 2 and "Source: " in page and "Warnings: " in page
    assert "without a warning" not in page
    assert "<td>2</td>" in staff.get("/?intent=faq").text  # two turns


def test_the_banner_shows_the_assistants_storage_health(staff):
    page = staff.get("/").text
    assert 'class="banner banner-ok"' in page and "Conversations are being stored" in page
