"""The assistant's curated content: FAQ topics, warnings, referral and help resources.

Both the action server and the Rasa server read these files, so that each fact lives
in one place. Loaders are cached: the files are read once per process.
"""
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

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


@lru_cache(maxsize=None)
def _crisis_file() -> dict:
    return _read(CONTENT_DIR / "crisis.yml")


def _fill(text: str) -> str:
    numbers = {key: item["how"] for key, item in resources()["resources"].items()}
    return " ".join(text.split()).format(**numbers)


def crisis_resource_keys() -> List[str]:
    """The resources a person in crisis sees first, in order (crisis.yml)."""
    return list(_crisis_file()["resources"])


def crisis_messages(overdose: bool = False) -> List[str]:
    """The crisis reply, one string per bot message. The first carries the resources."""
    crisis = _crisis_file()
    messages = [resource_list(_fill(crisis["opening"]), crisis["resources"])]
    if overdose:
        messages.append(_fill(crisis["overdose"]))
    messages.append(_fill(crisis["check_in"]))
    return messages


def crisis_follow_up() -> str:
    """A kind answer after a crisis reply that keeps the resources in view."""
    crisis = _crisis_file()
    return resource_list(_fill(crisis["still_here"]), crisis["resources"])
