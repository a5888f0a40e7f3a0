"""Checks the action server's replies against Rasa's schema without re-checking the schema.

Rasa 3.6 validates each action server reply with `jsonschema.validate`, which first checks
Rasa's own fixed response schema against the JSON Schema meta-schema: about 33 ms of CPU
for every action call on these 2-core machines, half of what a message cost the Rasa server
under load (`make profile`). Here the schema is checked once, and each reply is still
validated against it. A reply that fails goes through Rasa's own check, so it fails there
exactly as before, with Rasa's message.
"""
import functools

from jsonschema import validators
from rasa.core.actions.action import RemoteAction

_rasa_validate = RemoteAction._validate_action_result


@functools.lru_cache(maxsize=1)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result) -> bool:
    if _validator().is_valid(result):
        return True
    return _rasa_validate(self, result)


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
