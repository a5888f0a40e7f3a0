"""What a dose looks like in text, so that checks can prove no reply contains one."""
import re

# A number (digits or a small number word) followed by a unit or a count of doses.
_NUMBER = r"(?:\d+(?:[.,]\d+)?|half|one|two|three|four|five|six|seven|eight|nine|ten|a couple of)"
_UNIT = (
    r"(?:mg|milligrams?|mcg|µg|micrograms?|g|grams?|ml|millilit(?:er|re)s?|cc|units?|"
    r"pills?|tablets?|tabs?|capsules?|caps?|doses?|drops?|patch(?:es)?|puffs?|sprays?)"
)
DOSE_PATTERN = re.compile(rf"\b{_NUMBER}\s*-?\s*(?:(?:a|an|of)\s+)?{_UNIT}\b", re.IGNORECASE)


def find_dose(text: str):
    """The first dose-like phrase in `text`, or None."""
    match = DOSE_PATTERN.search(text or "")
    return match.group(0) if match else None
