"""The training data keeps the safety wrapper and the held-out set honest."""
import re
from pathlib import Path

import pytest
import yaml

import content
from content.dose import find_dose
from tests import safety
from tools import faqgen

ROOT = Path(__file__).resolve().parents[2]
PARAGRAPHS = {f"P{i}" for i in range(1, 10)}


def _yaml_files(*folders):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.yml"))


def _steps(path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in (doc.get("rules") or []) + (doc.get("stories") or []):
        for step in block.get("steps") or []:
            yield block.get("rule") or block.get("story"), step


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _examples(folder):
    found = {}
    for path in _yaml_files(folder):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in doc.get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.setdefault(_normalise(line[2:]), (path.name, block.get("intent")))
    return found


def test_no_rule_or_story_utters_a_faq_answer_directly():
    """FAQ answers must go through action_answer_faq, which adds the warning and referral."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _yaml_files("data", "tests/e2e")
        for name, step in _steps(path)
        if str(step.get("action", "")).startswith(f"utter_{content.RETRIEVAL_INTENT}")
    ]
    assert offenders == []


def test_every_faq_intent_is_answered_by_the_safety_wrapped_action():
    rules = yaml.safe_load((ROOT / "data/rules.yml").read_text())["rules"]
    faq_rules = [r for r in rules if r["steps"][0].get("intent") == content.RETRIEVAL_INTENT]
    assert [r["steps"][1] for r in faq_rules] == [{"action": "action_answer_faq"}]


def test_no_held_out_phrase_is_in_the_training_data():
    training = _examples("data")
    leaks = [
        f"{phrase!r} ({where[0]}) is also in training data ({training[phrase][0]})"
        for phrase, where in _examples("tests/heldout").items()
        if phrase in training
    ]
    assert leaks == []


def test_no_safety_list_message_is_in_the_training_data():
    """The crisis, high-risk and look-alike lists measure the assistant; they must stay unseen."""
    training = _examples("data")
    leaks = [
        f"{item['text']!r} ({name}.yml) is also in training data ({training[_normalise(item['text'])][0]})"
        for name in ("crisis", "high_risk", "lookalikes")
        for item in safety.messages(name)
        if _normalise(item["text"]) in training
    ]
    assert leaks == []


def test_generated_files_match_the_topic_files():
    assert [str(p.relative_to(ROOT)) for p in faqgen.stale_files()] == []


@pytest.mark.parametrize("name", sorted(content.faq_topics()))
def test_faq_topic_is_complete_and_dose_free(name):
    topic = content.faq_topics()[name]
    assert set(topic["citation"]) <= PARAGRAPHS and topic["citation"], "cite P1..P9"
    assert topic["risk"] in {"general", "treatment", "medication", "opioid"}
    assert topic["warnings"] and set(topic["warnings"]) <= set(content.warning_ids())
    assert len(topic["examples"]) >= 15 and len(topic["heldout"]) >= 5
    assert "\n\n" not in topic["answer"], "REST splits a message at blank lines"
    assert find_dose(topic["answer"]) is None


def test_no_response_warning_or_crisis_text_contains_a_dose():
    texts = [content.referral(), content.crisis_follow_up(), *content.crisis_messages(True)]
    texts += [content.warning_text(w) for w in content.warning_ids()]
    for path in _yaml_files("domain"):
        for variations in (yaml.safe_load(path.read_text()).get("responses") or {}).values():
            texts += [v.get("text", "") for v in variations]
    assert [t for t in texts if find_dose(t)] == []
