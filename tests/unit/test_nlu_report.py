"""The report summary picks the weakest labels, the confused pairs and the least sure examples."""
import json

from tools.nlu_report import summarise


def _write(folder, name, data):
    (folder / name).write_text(json.dumps(data), encoding="utf-8")


def _metrics(f1, support):
    return {"precision": f1, "recall": f1, "f1-score": f1, "support": support}


def test_summary_names_weakest_intent_confused_pair_and_lowest_confidence(tmp_path):
    _write(tmp_path, "intent_report.json", {
        "greet": _metrics(0.98, 40), "deny": _metrics(0.61, 30), "affirm": _metrics(0.75, 30),
        "accuracy": 0.9, "weighted avg": _metrics(0.85, 100), "macro avg": _metrics(0.8, 100),
    })
    _write(tmp_path, "intent_errors.json", [
        {"text": "definitely not", "intent": "deny", "intent_prediction": {"name": "affirm", "confidence": 0.55}},
        {"text": "nah", "intent": "deny", "intent_prediction": {"name": "affirm", "confidence": 0.48}},
    ])
    _write(tmp_path, "intent_successes.json", [
        {"text": "hello", "intent": "greet", "intent_prediction": {"name": "greet", "confidence": 0.99}},
        {"text": "sure", "intent": "affirm", "intent_prediction": {"name": "affirm", "confidence": 0.31}},
    ])
    summary = summarise(tmp_path, folds=3)
    intents = summary.split("## FAQ topics")[0]
    assert "Accuracy: **90.0%**" in intents
    weakest = intents.split("### Weakest labels")[1].split("###")[0]
    assert weakest.index("| deny |") < weakest.index("| affirm |") < weakest.index("| greet |")
    assert "**deny** taken for **affirm**: 2×" in intents and '"nah" (0.48)' in intents
    lowest = intents.split("### Lowest-confidence examples")[1]
    assert lowest.index("| sure |") < lowest.index("| nah |") < lowest.index("| hello |")
    assert "No `response_selection_report.json`" in summary
