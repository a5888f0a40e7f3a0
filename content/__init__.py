"""The assistant's curated content: FAQ topics, warnings, referral and help resources.

Both the action server and the Rasa server read these files, so that each fact lives
in one place. Loaders are cached: the files are read once per process.
"""
import os
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import yaml

CONTENT_DIR = Path(__file__).parent
FAQ_DIR = CONTENT_DIR / "faq"
RETRIEVAL_INTENT = "faq"


def _read(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def faq_topics(faq_dir: Path = FAQ_DIR) -> Dict[str, dict]:
    """Topic name -> its record (title, answer, citation, risk, warnings, examples)."""
    topics = {}
    for path in sorted(faq_dir.glob("*.yml")):
        record = _read(path)
        record["path"] = str(path.relative_to(faq_dir.parent.parent))
        topics[record["topic"]] = record
    return topics


def answer_text(topic: dict) -> str:
    """A topic's answer as one line, as the patient reads it."""
    return " ".join(topic["answer"].split())


@lru_cache(maxsize=None)
def resources() -> dict:
    """The crisis and help resources, with the date they were last checked."""
    return _read(CONTENT_DIR / "resources.yml")


def resource_line(key: str) -> str:
    item = resources()["resources"][key]
    return f"{item['name']}: {item['how']}"


def resource_list(intro: str, keys) -> str:
    """`intro`, then one bulleted line per resource: how every reply lists help lines."""
    return "\n".join([intro] + [f"• {resource_line(key)}" for key in keys])


@lru_cache(maxsize=None)
def _warnings_file() -> dict:
    return _read(CONTENT_DIR / "warnings.yml")


def referral() -> str:
    return " ".join(_warnings_file()["referral"].split())


def medication_referral() -> str:
    return " ".join(_warnings_file()["medication_referral"].split())


def warning_ids() -> List[str]:
    return list(_warnings_file()["warnings"])


def warning_text(warning_id: str) -> str:
    """A warning's text, with any {resource} placeholder filled from resources.yml."""
    return _fill(_warnings_file()["warnings"][warning_id]["text"])


def warning_source(warning_id: str) -> str:
    """Where a warning's facts come from: an article paragraph or a safety-facts section."""
    return str(_warnings_file()["warnings"][warning_id]["source"])


# What starts the one message that holds a reply's warnings. The website chat labels
# the message by its part as well (webchat/static/chat.js).
SAFETY_NOTE_LABEL = "Safety note"


def safety_note(warning_ids: Iterable[str]) -> str:
    """The warnings as one message, in the order given (most specific first):
    "Safety note: <first warning> <second warning> ..."."""
    texts = [warning_text(w) for w in warning_ids]
    if not texts:
        raise ValueError("a safety note needs at least one warning")
    return f"{SAFETY_NOTE_LABEL}: " + " ".join(texts)


def warnings_in(text: str) -> List[str]:
    """The ids of the warnings whose whole text is in `text` (a safety note, a single
    warning, or a whole reply joined), in the order of content/warnings.yml."""
    text = " ".join(str(text or "").split())
    return [w for w in warning_ids() if warning_text(w) in text]


@lru_cache(maxsize=None)
def _crisis_file() -> dict:
    return _read(CONTENT_DIR / "crisis.yml")


REGION_SETTING = "ASSISTANT_REGION"

# The kinds of emergency whose first message is emergency services, not a help line.
EMERGENCY_FIRST_KINDS = frozenset({"harm_others", "voices"})
# "overdose" is the kind older transcripts carry.
OVERDOSE_KINDS = frozenset({"overdose_now", "overdose"})


def region(name: Optional[str] = None) -> str:
    """The region whose lines a patient sees first: `name`, else ASSISTANT_REGION.

    An unknown region falls back to the international list rather than failing, so a
    typo in a setting can never leave a person in crisis without an answer.
    """
    regions = resources()["regions"]
    chosen = (name or os.environ.get(REGION_SETTING) or resources()["default_region"]).strip().upper()
    return chosen if chosen in regions else resources()["default_region"]


def _region(name: Optional[str]) -> dict:
    return resources()["regions"][region(name)]


def _fill(text: str, region_name: Optional[str] = None) -> str:
    numbers = {key: item["how"] for key, item in resources()["resources"].items()}
    numbers["emergency"] = emergency_number(region_name)
    return " ".join(text.split()).format(**numbers)


def crisis_resource_keys(region_name: Optional[str] = None) -> List[str]:
    """The lines a person in crisis sees first, in the region's order."""
    return list(_region(region_name)["talk"])


def emergency_number(region_name: Optional[str] = None) -> str:
    return _region(region_name)["emergency"]


def _talk_lines(intro: str, region_name: Optional[str], about_other: bool) -> str:
    keys = crisis_resource_keys(region_name)
    if about_other:
        keys += _region(region_name).get("family", [])
    return resource_list(intro, keys)


def crisis_messages(
    kinds: Iterable[str] = (), about_other: bool = False, region_name: Optional[str] = None
) -> List[str]:
    """The crisis reply for these kinds, one string per bot message, the check-in last.

    The first message is the help that fits the emergency: the steps for an overdose,
    emergency services for harm to others or voices, otherwise a person to talk to now.
    """
    crisis = _crisis_file()
    kinds = set(kinds)
    if "recent_attempt" in kinds:
        kinds -= OVERDOSE_KINDS  # "overdosed on purpose last week": not happening now
    who = "other" if about_other else "self"

    def fill(text: str) -> str:
        return _fill(text, region_name)

    if kinds & OVERDOSE_KINDS:
        messages = [
            "\n".join(fill(line) for line in crisis["overdose_now"]),
            fill(crisis["overdose_signs"]),
            resource_list(
                fill(crisis["more_lines"]),
                crisis_resource_keys(region_name) + _region(region_name).get("substance", []),
            ),
        ]
    elif kinds & EMERGENCY_FIRST_KINDS:
        messages = [
            fill(crisis["emergency_first"][who]),
            _talk_lines(fill(crisis["more_lines"]), region_name, about_other),
        ]
    else:
        talk = _talk_lines(fill(crisis["talk_now"][who]), region_name, about_other)
        messages = [talk + "\n" + fill(crisis["talk_now"]["emergency_line"][who])]
    messages.append(fill(crisis["check_in"][who]))
    return messages


def crisis_follow_up(region_name: Optional[str] = None) -> str:
    """A kind answer after a crisis reply that keeps the resources in view."""
    crisis = _crisis_file()
    return resource_list(_fill(crisis["still_here"], region_name), crisis_resource_keys(region_name))


def distress_check_in(region_name: Optional[str] = None) -> dict:
    """The check-in for a distressed message: texts, and the quick replies to the question."""
    distress = _crisis_file()["distress"]
    first_line = crisis_resource_keys(region_name)[:1]
    return {
        "acknowledge": _fill(distress["acknowledge"], region_name),
        "question": _fill(distress["question"], region_name),
        "person_now": resource_list(_fill(distress["person_now"], region_name), first_line),
        "replies": [dict(r) for r in distress["replies"]],
    }


def distress_supported() -> dict:
    """After "No" to the check-in question: a supportive line and topics that help."""
    distress = _crisis_file()["distress"]
    return {"text": _fill(distress["supported"]), "topics": [dict(t) for t in distress["topics"]]}
