"""Cross-validated NLU quality report: Rasa's plots plus a summary a maintainer can act on.

    python -m tools.nlu_report --folds 3 --out results/report

Rasa's own cross-validation (`rasa test nlu --cross-validation`) trains one model per
fold and writes the reports, the confusion matrices and the confidence histograms for
intents and for response selection (the FAQ topics). This runs exactly that, with a
progress bar over the folds, and then writes `summary.md` from Rasa's report files.
"""
import argparse
import asyncio
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = {
    # section title: (file prefix, target key, prediction key)
    "Intents": ("intent", "intent", "intent_prediction"),
    "FAQ topics (response selection)": (
        "response_selection", "intent_response_key_target", "intent_response_key_prediction",
    ),
}
SUMMARY_KEYS = ("accuracy", "macro avg", "weighted avg", "micro avg")


def _load(path: Path):
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _predictions(folder: Path, prefix: str, target: str, prediction: str) -> List[dict]:
    """Every held-out fold prediction: text, expected, predicted, confidence."""
    rows = []
    for kind in ("errors", "successes"):
        for item in _load(folder / f"{prefix}_{kind}.json"):
            rows.append({
                "text": item["text"],
                "expected": item[target],
                "predicted": item[prediction]["name"],
                "confidence": item[prediction]["confidence"] or 0.0,
            })
    return rows


def _section(folder: Path, title: str, prefix: str, target: str, prediction: str,
             top: int) -> List[str]:
    report: Dict[str, dict] = _load(folder / f"{prefix}_report.json") or {}
    if not report:
        return [f"## {title}", "", f"No `{prefix}_report.json` in this folder.", ""]
    labels = {k: v for k, v in report.items() if k not in SUMMARY_KEYS}
    accuracy = report.get("accuracy")
    weighted = report.get("weighted avg", {})
    lines = [
        f"## {title}", "",
        f"- Accuracy: **{accuracy:.1%}**" if accuracy is not None else "- Accuracy: n/a",
        f"- Weighted F1: **{weighted.get('f1-score', 0):.3f}**, over {len(labels)} labels"
        f" and {int(weighted.get('support', 0))} examples", "",
        f"![confusion matrix]({prefix}_confusion_matrix.png)",
        f"![confidence histogram]({prefix}_histogram.png)", "",
        "### Weakest labels (lowest F1)", "",
        "| label | F1 | precision | recall | examples |", "|---|---|---|---|---|",
    ]
    weakest = sorted(labels.items(), key=lambda kv: (kv[1]["f1-score"], kv[0]))[:top]
    lines += [
        f"| {name} | {m['f1-score']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} "
        f"| {int(m['support'])} |"
        for name, m in weakest
    ]
    rows = _predictions(folder, prefix, target, prediction)
    errors = [r for r in rows if r["expected"] != r["predicted"]]
    pairs = Counter((r["expected"], r["predicted"]) for r in errors)
    lines += ["", "### Most confused pairs", ""]
    if not pairs:
        lines.append("No errors.")
    for (expected, predicted), count in pairs.most_common(top):
        lines.append(f"- **{expected}** taken for **{predicted}**: {count}×, for example:")
        examples = [r for r in errors if (r["expected"], r["predicted"]) == (expected, predicted)]
        lines += [f"  - \"{r['text']}\" ({r['confidence']:.2f})" for r in examples[:3]]
    lines += ["", "### Lowest-confidence examples", "",
              "| text | expected | predicted | confidence |", "|---|---|---|---|"]
    lowest = sorted(rows, key=lambda r: (r["confidence"], r["text"]))[:top]
    lines += [
        f"| {r['text']} | {r['expected']} | {r['predicted']} | {r['confidence']:.2f} |"
        for r in lowest
    ]
    return lines + [""]


def summarise(folder: Path, folds: int, top: int = 10) -> str:
    """summary.md for a folder of Rasa cross-validation results."""
    lines = [
        "# NLU quality report", "",
        f"{folds}-fold cross-validation of `data/nlu` with `config.yml`: each example is "
        "predicted by a model that never saw it. Figures are over all folds' test parts.", "",
    ]
    for title, (prefix, target, prediction) in SECTIONS.items():
        lines += _section(folder, title, prefix, target, prediction, top)
    return "\n".join(lines)


def _with_fold_progress(folds: int) -> None:
    """Show one progress bar over the folds: Rasa only shows each model's epochs."""
    import rasa.nlu.test
    from tqdm import tqdm

    generate_folds = rasa.nlu.test.generate_folds

    def counted(n, data):
        yield from tqdm(generate_folds(n, data), total=n, desc="cross-validation folds",
                        position=0)

    rasa.nlu.test.generate_folds = counted


async def run(folds: int, out: Path) -> None:
    from rasa.model_testing import perform_nlu_cross_validation
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_dict(
        config_path=str(ROOT / "config.yml"),
        domain_path=str(ROOT / "domain.yml"),
        training_data_paths=[str(ROOT / "data" / "nlu")],
    )
    _with_fold_progress(folds)
    await perform_nlu_cross_validation(
        importer.get_config(), importer.get_nlu_data(), str(out),
        {"folds": folds, "successes": True, "errors": True, "disable_plotting": False},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "report")
    parser.add_argument("--summary-only", action="store_true",
                        help="rewrite summary.md from the results already in --out")
    args = parser.parse_args()
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # Only warnings: per-message debug lines would bury the progress bar.
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    if not args.summary_only:
        args.out.mkdir(parents=True, exist_ok=True)
        asyncio.run(run(args.folds, args.out))
    summary = args.out / "summary.md"
    summary.write_text(summarise(args.out, args.folds), encoding="utf-8")
    print(f"Report written to {args.out}/: start with summary.md")


if __name__ == "__main__":
    main()
