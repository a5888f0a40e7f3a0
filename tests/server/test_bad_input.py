"""Odd input gets a sensible reply or a clear 4xx, never a 500, and the turn is stored."""
import json
import sqlite3
import uuid

import pytest
import requests

import content
from addons.channels import MAX_BODY_BYTES
from addons.message_guard import MAX_MESSAGE_CHARS

ODD_MESSAGES = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "long": "I have been struggling for years. " * 1000,
    "non_english": "¿Los opioides sirven para el TEPT? 我很担心",
    "emoji": "😢😢😢 🙏",
    "html": "<img src=x onerror=alert(1)><script>alert('x')</script>",
    "control_chars": "what\x00 is\x07 ptsd\x1b[31m?",
    "intent_shortcut": "/greet",
    "shortcut_with_entities": '/faq{"topic": "x"}',
    "shortcut_with_confidence": "/goodbye@1.0",
}


@pytest.mark.parametrize("kind", sorted(ODD_MESSAGES))
def test_odd_message_gets_a_reply_and_is_stored(servers, kind):
    sender = f"odd-{kind}-{uuid.uuid4()}"
    replies = servers.send(ODD_MESSAGES[kind], sender=sender)
    assert replies and all(r.get("text") or r.get("buttons") for r in replies)
    kinds = [k for k, _ in servers.events(sender)]
    assert "user" in kinds and "bot" in kinds


def test_over_long_message_is_cut_and_the_cut_noted(servers):
    sender = f"long-{uuid.uuid4()}"
    original = ODD_MESSAGES["long"].strip()
    assert len(original) > MAX_MESSAGE_CHARS
    servers.send(original, sender=sender)
    user = [d for k, d in servers.events(sender) if k == "user"][0]
    assert user["text"] == original[:MAX_MESSAGE_CHARS]
    assert user["metadata"]["input_guard"]["truncated_from_chars"] == len(original)


def test_shortcut_cannot_skip_nlu(servers):
    sender = f"shortcut-{uuid.uuid4()}"
    servers.send("/goodbye", sender=sender)
    user = [d for k, d in servers.events(sender) if k == "user"][0]
    assert user["text"] == "goodbye"
    assert user["metadata"]["input_guard"]["intent_shortcut_removed"] is True


def test_shortcut_with_crisis_words_gets_crisis_resources(servers):
    replies = servers.send("/greet I want to die")
    assert content.resources()["resources"]["lifeline_988"]["how"] in replies[0]["text"]


@pytest.mark.parametrize("body, problem", [
    ("not json", "JSON"),
    ("[1, 2]", "JSON"),
    ('{"message": "hi"}', "sender"),
    ('{"sender": "", "message": "hi"}', "sender"),
    ('{"sender": "x", "message": 5}', "message"),
    ('{"sender": "' + "s" * 200 + '", "message": "hi"}', "sender"),
])
def test_malformed_request_gets_a_clear_400(servers, body, problem):
    response = requests.post(
        servers.webhook, data=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 400
    assert problem in response.text


def _deep(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels):
        value = {"a": value}
    return value


@pytest.mark.parametrize("metadata", [_deep(500), {"note": "x" * 5000}, "nope", [1, 2]],
                         ids=["500 deep", "too large", "a string", "a list"])
@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/chat/webhook"])
def test_bad_metadata_is_dropped_and_the_message_answered_and_stored(servers, path, metadata):
    # a 400 here left a patient, in crisis too, with no reply for what the client sent beside it
    body = {"sender": f"meta-{uuid.uuid4()}", "message": "I want to die", "metadata": metadata}
    response = requests.post(f"http://localhost:{servers.rasa_port}{path}", json=body, timeout=60)
    assert response.status_code == 200
    assert content.resources()["resources"]["lifeline_988"]["how"] in response.json()[0]["text"]
    user = [d for k, d in servers.events(body["sender"]) if k == "user"][0]
    assert user["text"] == "I want to die"
    assert not {"a", "note"} & set(user["metadata"] or {})


@pytest.mark.parametrize("channel", [{}, {"a": 1}, "c" * 200])
def test_a_channel_name_in_the_body_is_not_stored_and_the_conversation_is_listed(servers, channel):
    sender = f"channel-{uuid.uuid4()}"
    assert servers.send("what is ptsd", sender=sender, input_channel=channel)
    user = [d for k, d in servers.events(sender) if k == "user"][0]
    assert user["input_channel"] == "rest"
    with sqlite3.connect(servers.db) as db:
        listed = db.execute("SELECT channel FROM review_conversations WHERE sender_id = ?", (sender,)).fetchall()
    assert listed == [("rest",)]


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/chat/webhook"])
def test_an_oversized_body_is_refused_unread(servers, path):
    body = {"sender": f"big-{uuid.uuid4()}", "message": "a" * (MAX_BODY_BYTES + 1)}
    response = requests.post(f"http://localhost:{servers.rasa_port}{path}", json=body, timeout=30)
    assert response.status_code == 413
    assert servers.events(body["sender"]) == []


def test_a_message_just_under_the_cut_in_json_escapes_still_fits():
    # the body limit must not refuse what the message guard would keep
    assert len(json.dumps({"message": "\u00e9" * MAX_MESSAGE_CHARS, "sender": "x" * 128})) < MAX_BODY_BYTES


def test_there_is_no_socketio_endpoint(servers):
    response = requests.get(f"http://localhost:{servers.rasa_port}/socket.io/",
                            params={"EIO": "4", "transport": "polling"}, timeout=30)
    assert response.status_code == 404
