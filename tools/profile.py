"""Where a message's time goes: py-spy samples the Rasa server and the action server while
concurrent senders load our assistant, as the benchmark does.

A script, not a test. `make profile` runs it (it installs py-spy into build/profile-venv
first). For each server it writes, to results/profile/:

- `<server>.txt`: the collapsed stacks (one line a stack, then its sample count), which
  speedscope or flamegraph.pl draw as a flame graph;
- `summary.md` and `summary.json`: CPU milliseconds each server spent per message (from
  /proc, not from samples), and the share of samples under each step a turn takes.

The CPU per message bounds throughput: a Rasa server that needs C ms of CPU per message
answers at most 1000 / C messages a second, whatever the number of senders.

    .venv/bin/python -m tools.profile [--concurrency 32] [--seconds 60] [--py-spy PATH]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

from tools.bench import OURS_PORTS, load, message_mix
from tools.servers import MODEL, ROOT, Servers

OUT = ROOT / "results" / "profile"
SAMPLE_RATE = 100  # per second: enough for shares, light enough not to change them

# The steps of a turn, by the file a frame comes from. A sample counts toward the first step
# in this list that any of its frames matches: TensorFlow under DIET is DIET's, SQL under
# the review summary is the summary's, and the HTTP server, under everything, comes last.
STEPS: List[Tuple[str, str]] = [
    ("logging", r"[(/]logging/|structlog/"),
    ("redaction", r"transcripts/redaction\.py"),
    ("review summary (per save)", r"transcripts/summary\.py|^_summarise "),
    ("crisis and medication nets", r"addons/(crisis_net|medication_net|pattern_matching)\.py"),
    ("DIET (intent)", r"nlu/classifiers/diet_classifier\.py"),
    ("ResponseSelector (FAQ)", r"nlu/selectors/response_selector\.py"),
    ("featurizers", r"nlu/featurizers/"),
    ("spaCy", r"spacy/|thinc/|nlu/utils/spacy_utils\.py|nlu/tokenizers/"),
    ("policies", r"core/policies/"),
    ("tracker replay", r"shared/core/trackers\.py|shared/core/events\.py"),
    ("tracker store: SQL", r"sqlalchemy/|sqlite3|transcripts/tracker_store\.py|core/tracker_store\.py"),
    ("action server call", r"core/actions/action\.py|aiohttp/|utils/endpoints\.py"),
    ("TensorFlow, other", r"tensorflow/|keras/"),
    ("actions (our code)", r"[(/]actions/|rasa_sdk/"),
    ("HTTP server and channels", r"sanic/|addons/channels\.py|core/channels/|webchat/"),
]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_collapsed(text: str) -> Iterable[Tuple[List[str], int]]:
    """py-spy's raw format: `frame;frame;...;frame count`, outermost frame first."""
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            yield stack.split(";"), int(count)


def step_shares(stacks: Iterable[Tuple[List[str], int]]) -> Dict[str, float]:
    """Percent of samples under each step; steps no sample reached are left out."""
    compiled = [(name, re.compile(pattern)) for name, pattern in STEPS]
    counts, total = Counter(), 0
    for frames, count in stacks:
        total += count
        step = next((name for name, rx in compiled if any(rx.search(f) for f in frames)), "other")
        counts[step] += count
    return {name: round(100 * n / total, 1) for name, n in counts.most_common()} if total else {}


def _record(py_spy: str, pid: int, seconds: float, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds)),
         "--rate", str(SAMPLE_RATE), "--format", "raw", "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def profile(py_spy: str, concurrency: int, seconds: float, turns: int) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="profile-") as tmp:
        servers = Servers(Path(tmp), rasa_port=OURS_PORTS[0], action_port=OURS_PORTS[1])
        try:
            servers.start_actions()
            servers.start_rasa()
            servers.send("what is ptsd")  # the first answer loads what is loaded lazily
            pids = {name: servers.processes[name].pid for name in ("rasa", "actions")}
            cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            recorders = [_record(py_spy, pid, seconds, OUT / f"{name}.txt")
                         for name, pid in pids.items()]
            level = load(servers, message_mix(100_000, seed=concurrency), concurrency, turns,
                         seconds, "profile")
            cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
            for recorder in recorders:
                _, error = recorder.communicate(timeout=seconds + 120)
                if recorder.returncode:
                    raise RuntimeError(f"py-spy failed: {error.strip()[-500:]}")
        finally:
            servers.stop_all()
    answered = max(level["answered"], 1)
    return {
        "concurrency": concurrency,
        "seconds": level["seconds"],
        "answered": level["answered"],
        "errors": level["errors"],
        "throughput": level["throughput"],
        "latency_ms": level["latency_ms"],
        "cpu_ms_per_message": {name: round(1000 * s / answered, 1) for name, s in cpu.items()},
        "steps_percent": {name: step_shares(read_collapsed((OUT / f"{name}.txt").read_text()))
                          for name in pids},
    }


def summary_markdown(result: dict) -> str:
    cpu = result["cpu_ms_per_message"]
    lines = [
        f"{result['concurrency']} concurrent senders for {result['seconds']} s: "
        f"{result['answered']} answered, {result['errors']} errors, {result['throughput']} msg/s, "
        f"p50 {result['latency_ms'].get('p50')} ms, p95 {result['latency_ms'].get('p95')} ms.",
        "",
        f"CPU per message: Rasa server {cpu['rasa']} ms, action server {cpu['actions']} ms "
        f"(so one Rasa server answers at most {round(1000 / cpu['rasa']) if cpu['rasa'] else '-'} msg/s).",
        "",
    ]
    for name in ("rasa", "actions"):
        lines += [f"| {name} server: step | share of samples |", "| --- | ---: |"]
        lines += [f"| {step} | {share}% |" for step, share in result["steps_percent"][name].items()]
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent senders (32)")
    parser.add_argument("--seconds", type=float, default=60, help="how long to load and sample (60)")
    parser.add_argument("--turns", type=int, default=6, help="messages per conversation (6)")
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or "py-spy")
    args = parser.parse_args(argv)
    if args.concurrency < 1 or args.seconds < 5:
        parser.error("--concurrency must be positive and --seconds at least 5")
    if not MODEL.exists():
        parser.error(f"{MODEL} is missing: run `make train` first")
    if not shutil.which(args.py_spy):
        parser.error(f"py-spy not found ({args.py_spy}); `make profile` installs it")
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    result = profile(args.py_spy, args.concurrency, args.seconds, args.turns)
    (OUT / "summary.json").write_text(json.dumps(result, indent=2) + "\n")
    (OUT / "summary.md").write_text(summary_markdown(result) + "\n")
    print(summary_markdown(result))
    print(f"Wrote {OUT}/summary.md, summary.json, rasa.txt, actions.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
