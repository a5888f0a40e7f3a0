"""The one way an answer reaches a patient: the answer, its warnings, then the referral."""
from typing import Iterable, List, Optional

from rasa_sdk.executor import CollectingDispatcher

import content


def send_with_safety(
    dispatcher: CollectingDispatcher,
    text: str,
    warning_ids: Iterable[str],
    review: dict,
    buttons: Optional[List[dict]] = None,
    referral: Optional[str] = None,
) -> None:
    """Send `text`, then each warning, then the referral.

    `review` is stored with the answer in the transcript (topic, confidence,
    citation, ...), so that staff can see why it was sent. `referral` replaces the
    general referral where a more specific professional fits.
    """
    warning_ids = list(warning_ids)
    if not warning_ids:
        raise ValueError("every answer needs at least one risk warning")
    review = {**review, "warnings": warning_ids}
    dispatcher.utter_message(text=text, buttons=buttons or [], review=review, part="answer")
    for warning_id in warning_ids:
        dispatcher.utter_message(
            text=content.warning_text(warning_id), part="warning", warning_id=warning_id
        )
    dispatcher.utter_message(text=referral or content.referral(), part="referral")
