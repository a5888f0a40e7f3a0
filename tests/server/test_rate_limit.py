"""The per-sender rate limit on the patient webhooks, on a Rasa server of its own."""
import uuid

import pytest
import requests

import content
from tests import safety
from tools.servers import Servers

LIMIT = 3


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    # No action server on 5176: replies are the safe fallback ones, which is all this needs.
    rasa = Servers(tmp_path_factory.mktemp("limited"), rasa_port=5111, action_port=5176,
                   env={"RATE_LIMIT_PER_MINUTE": str(LIMIT)})
    try:
        rasa.start_rasa()
        yield rasa
    finally:
        rasa.stop_all()


def _post(server, path, sender, message):
    return requests.post(f"http://localhost:{server.rasa_port}{path}",
                         json={"sender": sender, "message": message}, timeout=60)


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/chat/webhook"])
def test_a_sender_over_the_limit_gets_a_429_that_names_the_emergency_number(limited, path):
    sender = f"fast-{uuid.uuid4()}"
    statuses = [_post(limited, path, sender, "what is cbt").status_code for _ in range(LIMIT)]
    refused = _post(limited, path, sender, "what is cbt")
    assert statuses == [200] * LIMIT and refused.status_code == 429
    assert content.emergency_number() in refused.json()["text"]
    # the refused message was not processed, so not stored
    assert [k for k, _ in limited.events(sender)].count("user") == LIMIT
    # someone else is not held up
    assert _post(limited, path, f"other-{uuid.uuid4()}", "what is cbt").status_code == 200


def _over_the_limit(server, name):
    """A new sender who has used up the limit."""
    sender = f"fast-{name}-{uuid.uuid4()}"
    for _ in range(LIMIT):
        _post(server, "/webhooks/rest/webhook", sender, "what is cbt")
    return sender


def test_a_crisis_message_is_never_refused(limited):
    sender = _over_the_limit(limited, "crisis")
    response = _post(limited, "/webhooks/rest/webhook", sender, "i want to end my life tonight")
    assert response.status_code == 200
    assert safety.has_crisis_resources(response.json()[0]["text"])


def test_a_distressed_message_is_never_refused(limited):
    # no crisis wording here: the distress net reads it, which the crisis patterns alone missed
    sender = _over_the_limit(limited, "distress")
    response = _post(limited, "/webhooks/rest/webhook", sender, "i feel like such a burden to my family since i came home")
    assert response.status_code == 200
    assert content.distress_check_in()["question"] in " ".join(safety.texts(response.json()))
