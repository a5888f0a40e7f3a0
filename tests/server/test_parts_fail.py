"""With the action server stopped or hanging, every message still gets a safe reply."""
import json
import socket
import time
import uuid

import pytest

import content
from tests import safety
from tests.safety import texts
from tools.servers import Servers

HANGING_PORT = 5175
TIMEOUT_SECONDS = 3


@pytest.fixture(scope="module")
def actions_down(servers):
    servers.stop_actions()
    try:
        yield servers
    finally:
        servers.start_actions()


def test_crisis_message_still_gets_the_resources(actions_down):
    replies = texts(actions_down.send("i want to end my life"))
    assert replies and safety.has_crisis_resources(replies[0])


def test_overdose_still_gets_the_overdose_steps_first(actions_down):
    replies = texts(actions_down.send("my friend took too many percs and isn't breathing"))
    assert safety.has_crisis_resources(replies[0])
    assert safety.first_message_fits(["overdose_now"], True, replies[0])


def test_voices_still_get_emergency_services_first(actions_down):
    replies = texts(actions_down.send("the voices are telling me to hurt my neighbour"))
    assert safety.first_message_fits(["voices"], False, replies[0])


def test_distress_still_gets_the_check_in_question(actions_down):
    replies = texts(actions_down.send("i feel like such a burden to everyone lately"))
    assert safety.CHECK_IN_QUESTION in replies
    assert not any(r.startswith("Sorry") or "Did you mean" in r for r in replies)


def test_faq_question_gets_an_apology_with_the_referral(actions_down):
    replies = texts(actions_down.send("what are the symptoms of ptsd"))
    assert replies[0].startswith("Sorry")
    assert content.referral() in replies


def test_failure_is_recorded_for_staff(actions_down):
    sender = f"down-{uuid.uuid4()}"
    actions_down.send("what is cbt", sender=sender)
    bot = [d for k, d in actions_down.events(sender) if k == "bot"]
    assert bot and all(m["metadata"].get("fallback") == "no_reply" for m in bot)


@pytest.fixture(scope="module")
def actions_hang(tmp_path_factory):
    """A Rasa server whose action server accepts connections and never answers."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", HANGING_PORT))
    listener.listen(16)
    rasa = Servers(tmp_path_factory.mktemp("hang"), rasa_port=5107, action_port=HANGING_PORT,
                   env={"ACTION_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS)})
    try:
        rasa.start_rasa()
        yield rasa
    finally:
        rasa.stop_all()
        listener.close()


def test_slow_action_server_times_out_to_the_crisis_resources(actions_hang):
    begin = time.monotonic()
    replies = texts(actions_hang.send("i want to end my life"))
    assert replies and safety.has_crisis_resources(replies[0])
    assert time.monotonic() - begin < 60, "Rasa's default 300 s wait was not shortened"


def test_slow_action_server_times_out_to_an_apology(actions_hang):
    replies = texts(actions_hang.send("what is cbt"))
    assert replies[0].startswith("Sorry") and content.referral() in replies


def test_a_request_that_ends_mid_turn_loses_no_turn_and_logs_no_text(actions_hang):
    # The action server hangs, so the turn outlasts the patient's connection.
    sender, text = f"gone-{uuid.uuid4()}", f"what is cbt {uuid.uuid4().hex}"
    body = json.dumps({"sender": sender, "message": text}).encode()
    with socket.create_connection(("127.0.0.1", actions_hang.rasa_port)) as client:
        client.sendall(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: localhost\r\n"
                       b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
                       + b"\r\n\r\n" + body)
        time.sleep(1)
    deadline = time.monotonic() + TIMEOUT_SECONDS + 20
    while time.monotonic() < deadline and "bot" not in [k for k, _ in actions_hang.events(sender)]:
        time.sleep(0.5)
    kinds = [k for k, _ in actions_hang.events(sender)]
    assert "user" in kinds and "bot" in kinds, kinds
    assert text not in (actions_hang.tmp / "rasa.log").read_text(encoding="utf-8", errors="replace")
