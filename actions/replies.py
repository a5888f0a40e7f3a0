"""The one way an answer reaches a patient: the answer, one safety note, then the referral."""
from typing import Iterable, List, Optional

from rasa_sdk.executor import CollectingDispatcher

import content


def safety_note_message(warning_ids: Iterable[str]) -> dict:
    """The keyword arguments of the one message that holds a reply's warnings.

    `part` stays "warning", as one message per warning had, so that everything that
    looks for a reply's warning still finds it. `warning_ids` lists every warning the
    note holds, most specific first; `warning_id` is the first of them, for readers
    written when each warning was a message of its own.
    """
    warning_ids = list(warning_ids)
    return {
        "text": content.safety_note(warning_ids),
        "part": "warning",
        "warning_id": warning_ids[0],
        "warning_ids": warning_ids,
    }


def send_with_safety(
    dispatcher: CollectingDispatcher,
    text: str,
    warning_ids: Iterable[str],
    review: dict,
    buttons: Optional[List[dict]] = None,
    referral: Optional[str] = None,
) -> None:
    """Send `text`, then one "Safety note" holding every warning, then the referral:
    three messages, whatever the number of warnings.

    `warning_ids` are in the order the reader should meet them, most specific first.
    `review` is stored with the answer in the transcript (topic, confidence,
    citation, ...), so that staff can see why it was sent. `referral` replaces the
    general referral where a more specific professional fits.
    """
    warning_ids = list(dict.fromkeys(warning_ids))
    if not warning_ids:
        raise ValueError("every answer needs at least one risk warning")
    review = {**review, "warnings": warning_ids}
    dispatcher.utter_message(text=text, buttons=buttons or [], review=review, part="answer")
    dispatcher.utter_message(**safety_note_message(warning_ids))
    dispatcher.utter_message(text=referral or content.referral(), part="referral")
