"""The action server's replies are still checked against Rasa's schema, as Rasa checks them."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import addons  # noqa: F401  (installs the check, as loading the model does)
from addons.action_reply_schema import _rasa_validate, validate_action_result

ACTION = RemoteAction("action_faq", None)
GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "topic", "value": "naloxone", "timestamp": None}],
     "responses": [{"text": "Naloxone reverses an opioid overdose.", "custom": {"part": "answer"}}]},
    {},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": {"text": "a dict, not a list"}},
]


def test_rasa_uses_this_check():
    assert RemoteAction._validate_action_result is validate_action_result


@pytest.mark.parametrize("result", GOOD)
def test_a_good_reply_passes_as_with_rasa(result):
    assert validate_action_result(ACTION, result) is _rasa_validate(ACTION, result) is True


@pytest.mark.parametrize("result", BAD)
def test_a_bad_reply_fails_with_rasas_message(result):
    with pytest.raises(ValidationError) as ours:
        validate_action_result(ACTION, result)
    with pytest.raises(ValidationError) as rasas:
        _rasa_validate(ACTION, result)
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message
