"""Benchmark: single-sender latency through the REST webhook, memory, cold start, size.

A script, not a test: timings depend on the machine. It starts the action server and
the Rasa server as `make run` does (on spare ports), sends a realistic mix of FAQ,
crisis, high-risk and chit-chat messages one at a time, and writes results/bench.json.

    .venv/bin/python scripts/bench_latency.py --messages 300 [--train]
"""
import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import content  # noqa: E402
from tests import safety  # noqa: E402
from tools.servers import BIN, MODEL, Servers  # noqa: E402

CHIT_CHAT = ["hi", "thanks", "what can you do", "are you a bot", "bye", "where is this from"]


def message_mix(count: int, seed: int = 7) -> list:
    rng = random.Random(seed)
    faq = [p for t in content.faq_topics().values() for p in t["heldout"]]
    crisis = [m["text"] for m in safety.messages("crisis")]
    high_risk = [m["text"] for m in safety.messages("high_risk")]
    pools = [(faq, 0.6), (CHIT_CHAT, 0.2), (high_risk, 0.1), (crisis, 0.1)]
    return [rng.choice(rng.choices([p for p, _ in pools], [w for _, w in pools])[0]) for _ in range(count)]


def memory_kib(pid: int) -> dict:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--train", action="store_true", help="also time a full training run")
    parser.add_argument("--out", default=str(ROOT / "results/bench.json"))
    args = parser.parse_args()
    results = {"model_bytes": MODEL.stat().st_size}

    if args.train:
        with tempfile.TemporaryDirectory() as out:
            start = time.monotonic()
            subprocess.run([str(BIN / "rasa"), "train", "--domain", "domain", "--out", out, "--force"],
                           cwd=ROOT, check=True, capture_output=True)
            results["training_seconds"] = round(time.monotonic() - start, 1)

    with tempfile.TemporaryDirectory() as tmp:
        servers = Servers(Path(tmp), rasa_port=5305, action_port=5355)
        try:
            start = time.monotonic()
            servers.start_actions()
            servers.start_rasa()
            servers.send("what is ptsd")
            results["cold_start_seconds"] = round(time.monotonic() - start, 1)
            latencies = []
            for text in message_mix(args.messages):
                begin = time.perf_counter()
                servers.send(text)
                latencies.append((time.perf_counter() - begin) * 1000)
            results["messages"] = len(latencies)
            results["latency_ms"] = {
                "p50": round(statistics.median(latencies), 1),
                "p95": round(percentile(latencies, 0.95), 1),
                "p99": round(percentile(latencies, 0.99), 1),
                "max": round(max(latencies), 1),
            }
            results["memory_kib"] = {
                name: memory_kib(process.pid) for name, process in servers.processes.items()
            }
        finally:
            servers.stop_all()

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
