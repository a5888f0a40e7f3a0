"""What a client controls in a user message, cut down to what may be stored.

The channel name and the metadata come with the request: Rasa's REST channel takes both
from the body, and its HTTP API stores whole events as it is given them. The patient
channels name themselves and refuse large metadata (addons.channels), but the store is
the one place every turn passes: an object or a long string as the channel name made the
review summary's write fail, and 500-deep metadata made the store's own write fail, so
the turn was lost. The store cuts both here, whatever the channel did.
"""
import re
from typing import Any, Optional

from rasa.shared.core.constants import SESSION_START_METADATA_SLOT

# A channel's name as the channels give it ("rest", "webchat", "cmdline"). Anything else
# came from a request; it is stored as no channel. 64: schema.conversations.channel.
CHANNEL_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")

# The metadata a user message keeps: Rasa's ids of the model and the assistant, and the
# notes of addons.message_guard, by name and type. Nothing reads any other key, and the
# redaction spares values under structural key names ("name", "entity"), so a key a
# client made up could carry text past it. Each value is flat and short: nothing is
# walked, however deep or large what was sent.
ID_KEYS = ("model_id", "assistant_id")
MAX_ID_CHARS = 64
GUARD_KEY = "input_guard"
GUARD_NOTES = {"truncated_from_chars": int, "intent_shortcut_removed": bool}
MAX_COUNT = 2 ** 31


def channel_name(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and CHANNEL_NAME.fullmatch(value) else None


def _note(value: Any, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_COUNT


def allowed_metadata(value: Any) -> dict:
    if not isinstance(value, dict):
        return {}
    kept = {key: value[key] for key in ID_KEYS
            if isinstance(value.get(key), str) and len(value[key]) <= MAX_ID_CHARS}
    notes = value.get(GUARD_KEY)
    if isinstance(notes, dict):
        notes = {key: notes[key] for key, kind in GUARD_NOTES.items() if _note(notes.get(key), kind)}
        if notes:
            kept[GUARD_KEY] = notes
    return kept


def limit_event(data: dict) -> dict:
    """A serialised event with what a client controls in it cut to what may be stored."""
    if data.get("event") == "user":
        metadata = allowed_metadata(data.get("metadata"))
        limited = {**data, "input_channel": channel_name(data.get("input_channel")), "metadata": metadata}
        if isinstance(data.get("parse_data"), dict) and "metadata" in data["parse_data"]:
            # Rasa writes the message's metadata into its parse data too
            limited["parse_data"] = {**data["parse_data"], "metadata": metadata}
        return limited
    # Rasa copies the metadata of a session's first message into this slot
    if data.get("event") == "slot" and data.get("name") == SESSION_START_METADATA_SLOT:
        return {**data, "value": allowed_metadata(data.get("value")) or None}
    return data
