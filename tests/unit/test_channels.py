"""The patient webhooks answer whatever a client sends beside the message: metadata that is
not an object, too deep or too large is dropped, never a reason to refuse the message."""
import asyncio
import json
import logging

import pytest
from sanic.compat import Header
from sanic.request import Request

from addons.channels import MAX_METADATA_CHARS, MAX_METADATA_DEPTH, PatientRestInput
from webchat.channel import WebChatInput

SECRET_TEXT = "I took all my pills tonight"
SECRET_META = "lives at 12 baker street"


def _nested(levels: int) -> dict:
    value: dict = {"where": SECRET_META}
    for _ in range(levels):
        value = {"a": value}
    return value


BAD_METADATA = {
    "a string": SECRET_META,
    "a list": [SECRET_META],
    "a number": 5,
    "500 deep": _nested(500),
    "one level too deep": _nested(MAX_METADATA_DEPTH),
    "too large": {"where": SECRET_META, "note": "x" * MAX_METADATA_CHARS},
}


def _post(body: dict) -> Request:
    request = Request(b"/webhook", Header({"content-type": "application/json"}), "1.1", "POST", None, None)
    request.body = json.dumps(body).encode()
    return request


def _send(channel, body: dict):
    """POST `body` to the channel's real webhook handler; (response, messages it was given)."""
    received = []

    async def on_new_message(message):
        received.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": "a reply"})

    routes = channel.blueprint(on_new_message)._future_routes
    receive = next(r.handler for r in routes if r.uri == "/webhook" and "POST" in r.methods)
    return asyncio.run(receive(_post(body))), received


@pytest.mark.parametrize("channel", [PatientRestInput, WebChatInput], ids=["rest", "webchat"])
@pytest.mark.parametrize("metadata", BAD_METADATA.values(), ids=BAD_METADATA.keys())
def test_bad_metadata_is_dropped_and_the_message_answered(channel, metadata):
    response, received = _send(channel(), {"sender": "s1", "message": SECRET_TEXT, "metadata": metadata})
    assert response.status == 200
    assert [m["text"] for m in json.loads(response.body)] == ["a reply"]
    assert [m.text for m in received] == [SECRET_TEXT]
    assert received[0].metadata in (None, {})


def test_the_log_says_why_metadata_was_dropped_but_not_what_it_or_the_message_said(caplog):
    caplog.set_level(logging.DEBUG)
    for metadata in BAD_METADATA.values():
        _send(PatientRestInput(), {"sender": "s1", "message": SECRET_TEXT, "metadata": metadata})
    dropped = [r.getMessage() for r in caplog.records if "metadata" in r.getMessage().lower()]
    assert len(dropped) == len(BAD_METADATA)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET_TEXT not in logged and SECRET_META not in logged and "xxxx" not in logged


@pytest.mark.parametrize("metadata", [{"model_id": "m-1", "note": "ok"}, _nested(MAX_METADATA_DEPTH - 1)],
                         ids=["flat", "as deep as allowed"])
def test_metadata_within_the_limits_still_reaches_the_turn(metadata):
    _, received = _send(PatientRestInput(), {"sender": "s1", "message": "hi", "metadata": metadata})
    assert received[0].metadata == metadata


def test_a_long_message_keeps_its_guard_note_when_its_metadata_is_dropped():
    text = "a" * 30000
    _, received = _send(PatientRestInput(), {"sender": "s1", "message": text, "metadata": "nope"})
    assert received[0].metadata == {"input_guard": {"truncated_from_chars": 30000}}
