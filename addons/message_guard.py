"""Clean what a patient typed before Rasa sees it.

Patients must not be able to skip NLU (and so the crisis net) with Rasa's
"/intent" shortcut, and odd input must never crash a turn.
"""
import os
import re
import unicodedata
from typing import Optional, Tuple

# Messages are kept whole up to this length; NLU cost is bounded separately by
# addons.token_limit, so this only guards memory and storage.
MAX_MESSAGE_CHARS = int(os.environ.get("MAX_MESSAGE_CHARS", "20000"))

# Rasa commands a patient may send as they are: starting over is always safe.
ALLOWED_COMMANDS = {"/restart"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_LEADING_SLASHES = re.compile(r"^\s*/+")


def clean_text(text: Optional[str]) -> Tuple[str, dict]:
    """Return the text Rasa should process, and notes for the transcript's metadata."""
    notes: dict = {}
    text = "" if text is None else str(text)
    # cut before any other work: normalising a huge text first cost seconds on the event loop
    if len(text.strip()) > MAX_MESSAGE_CHARS:
        notes["truncated_from_chars"] = len(text.strip())
        text = text.strip()[:MAX_MESSAGE_CHARS]
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if text.startswith("/") and text.lower() not in ALLOWED_COMMANDS:
        notes["intent_shortcut_removed"] = True
        text = _LEADING_SLASHES.sub("", text).strip()
    return text, notes
