"""Held-out NLU accuracy: intents, with FAQ answers counted by their topic.

Rasa's own `rasa test nlu` reports intents and response selection separately. A
patient gets the wrong answer if either is wrong, so this scores the pair: the label
of a FAQ example is "faq/<topic>", and it is right only if both parts are.

    python -m tools.heldout_eval --model models/ptsd-assistant.tar.gz --min-accuracy 0.95

The questions it got wrong are printed only with `--errors` (and written to `--out`): a
round nobody has read yet stays unread when `make evaluate` measures it.
"""
import argparse
import asyncio
import logging
import json
import sys
from collections import Counter
from pathlib import Path
from typing import List, Tuple

import yaml
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.log_utils import configure_structlog

from content import RETRIEVAL_INTENT

ROOT = Path(__file__).resolve().parent.parent


def predicted_label(parse: dict) -> str:
    intent = (parse.get("intent") or {}).get("name")
    if intent != RETRIEVAL_INTENT:
        return str(intent)
    selector = (parse.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    return key or RETRIEVAL_INTENT


def expected_label(message) -> str:
    return message.get("intent_response_key") or message.get("intent")


def nlu_examples(data_dir: str) -> list:
    """The NLU held-out examples: the directory also holds the risk sets, which are
    labelled by tier (tools/risk_eval.py), not by intent."""
    examples = []
    for path in sorted(Path(data_dir).glob("*.yml")):
        if "nlu" in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}):
            examples += load_data(str(path)).intent_examples
    return examples


async def evaluate(model: str, data_dir: str) -> List[Tuple[str, str, str]]:
    # Rasa logs each parse, text included, at debug level: held-out texts stay out of logs.
    configure_structlog(logging.WARNING)
    agent = Agent.load(model)
    examples = nlu_examples(data_dir)
    results = []
    for message in examples:
        parse = await agent.parse_message(message.get("text"))
        results.append((message.get("text"), expected_label(message), predicted_label(parse)))
    return results


def report(results, min_accuracy: float, out: Path, errors: bool = False) -> bool:
    correct = sum(1 for _, want, got in results if want == got)
    accuracy = correct / len(results)
    confused = Counter((want, got) for _, want, got in results if want != got)
    print(f"Held-out accuracy: {accuracy:.1%} ({correct}/{len(results)}), minimum {min_accuracy:.0%}")
    if confused:
        print("Most confused pairs (expected -> predicted: count):")
        for (want, got), count in confused.most_common(10):
            print(f"  {want} -> {got}: {count}")
    if confused and errors:
        print("Errors:")
        for text, want, got in results:
            if want != got:
                print(f"  {text!r}: expected {want}, got {got}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "accuracy": accuracy,
        "examples": len(results),
        "errors": [{"text": t, "expected": w, "predicted": g} for t, w, g in results if w != g],
    }, indent=2))
    return accuracy >= min_accuracy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", default=str(ROOT / "tests/heldout"))
    parser.add_argument("--min-accuracy", type=float, default=0.95)
    parser.add_argument("--out", default=str(ROOT / "results/heldout.json"))
    parser.add_argument("--errors", action="store_true", help="print every question it got wrong")
    args = parser.parse_args()
    results = asyncio.run(evaluate(args.model, args.data))
    return 0 if report(results, args.min_accuracy, Path(args.out), args.errors) else 1


if __name__ == "__main__":
    sys.exit(main())
