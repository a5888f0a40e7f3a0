"""Benchmark harness: our assistant against the stock `rasa init` project, same machine, same run.

A script, not a test: timings depend on the machine. `make bench` runs it. For each system
in turn (ours, then the baseline; never both at once) it measures, through the REST webhook:

- cold start: from launching the server(s) to the first answer;
- single-sender latency (p50/p95/p99) over --messages messages, one at a time;
- throughput and latency with 1, 8, 32 and 64 concurrent senders;
- peak memory (VmHWM) of the Rasa server and the action server;
- full training and the no-change retrain: always for the baseline (about two minutes),
  for ours only with --train (7-9 minutes); otherwise the last measured value is carried over.

Ours runs as `make run` does (action server, SQL tracker store in a fresh SQLite file) on
ports 5505/5555. The baseline is `rasa init --no-prompt` in build/baseline, trained there once,
run as stock (in-memory tracker store, no action server) on port 5605. Both get the same
texts, a realistic mix of FAQ, small talk, high-risk and crisis messages.

Writes results/bench/results.json, results.md (figure | ours | baseline | ratio) and
throughput.png; --publish also copies the table and plot to docs/bench/ and into
docs/measurements.md.

    .venv/bin/python -m tools.bench [--messages 500] [--concurrency 1,8,32,64] [--train] [--publish]
"""
import argparse
import asyncio
import hashlib
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from tools.servers import BIN, MODEL, ROOT, Servers

OURS_PORTS = (5505, 5555)  # Rasa, actions
BASELINE_PORTS = (5605, 5655)  # the action port is used only if the stock endpoints need one
BASELINE_DIR = ROOT / "build" / "baseline"
RESULTS_DIR = ROOT / "results" / "bench"
DOCS_DIR = ROOT / "docs" / "bench"
# The page that shows the published table and plot, between the markers below (the
# names README_START/README_END are from when the README itself held them).
BENCH_PAGE = ROOT / "docs" / "measurements.md"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
STARTUP_SECONDS = 300
REQUEST_SECONDS = 60
SINGLE_SENDER_SECONDS = 1800  # a bound, far above what 500 messages take
# The first message each system answers: one that needs the action server, for ours.
PROBES = {"ours": "what is ptsd", "baseline": "hello"}

CHIT_CHAT = ["hi", "thanks", "what can you do", "are you a bot", "bye", "where is this from"]
MIX_WEIGHTS = {"faq": 0.6, "chit_chat": 0.2, "high_risk": 0.1, "crisis": 0.1}


# ---------------------------------------------------------------------------------------
# Pure parts (unit-tested in tests/unit/test_bench.py)

def default_pools() -> Dict[str, List[str]]:
    """The texts patients send: held-out FAQ phrasings, small talk, and the safety lists."""
    import content
    from tests import safety

    return {
        "faq": [p for t in content.faq_topics().values() for p in t["heldout"]],
        "chit_chat": list(CHIT_CHAT),
        "high_risk": [m["text"] for m in safety.messages("high_risk")],
        "crisis": [m["text"] for m in safety.risk_messages("crisis")],
    }


def message_mix(count: int, pools: Dict[str, List[str]] = None, weights: Dict[str, float] = None,
                seed: int = 7) -> List[str]:
    """`count` texts drawn from the pools by weight (60% FAQ, 20% small talk, 10% high-risk,
    10% crisis by default); the same seed gives the same list."""
    pools = default_pools() if pools is None else pools
    weights = MIX_WEIGHTS if weights is None else weights
    names = [n for n in weights if weights[n] > 0]
    rng = random.Random(seed)
    return [rng.choice(pools[rng.choices(names, [weights[n] for n in names])[0]])
            for _ in range(count)]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0 <= q <= 1), interpolated linearly between the nearest ranks."""
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 1:
        raise ValueError(f"q={q} is not between 0 and 1")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(latencies_ms: Sequence[float]) -> dict:
    if not latencies_ms:
        return {"count": 0}
    return {
        "count": len(latencies_ms),
        **{f"p{round(q * 100)}": round(percentile(latencies_ms, q), 1) for q in (0.5, 0.95, 0.99)},
        "max": round(max(latencies_ms), 1),
    }


def ratio(ours: Optional[float], baseline: Optional[float]) -> Optional[float]:
    """ours / baseline, or None when either is missing or the baseline is zero."""
    if ours is None or baseline is None or baseline == 0:
        return None
    return ours / baseline


def _get(data: dict, path: str):
    for key in path.split("."):
        if not isinstance(data, dict) or data.get(key) is None:
            return None
        data = data[key]
    return data


def _level(system: dict, concurrency: int) -> dict:
    return next((x for x in system.get("load", []) if x["concurrency"] == concurrency), {})


def _fmt(value: Optional[float], unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "count":
        return str(value)
    if unit == "s" and value >= 60:
        return f"{int(value // 60)} min {round(value % 60):02d} s"
    if unit == "MB" and value >= 1000:
        return f"{value / 1000:.2f} GB"
    if unit == "msg/s":
        return f"{value:.1f} msg/s"
    return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"


def figures(results: dict) -> List[Tuple[str, Optional[float], Optional[float], str]]:
    """(figure, ours, baseline, unit) for every row of the table, in order."""
    ours, base = results.get("ours", {}), results.get("baseline", {})
    rows = []

    def add(name, path, unit, a=ours, b=base):
        rows.append((name, _get(a, path), _get(b, path), unit))

    for q in ("p50", "p95", "p99"):
        add(f"single-sender latency {q}", f"latency_ms.{q}", "ms")
    levels = sorted({x["concurrency"] for s in (ours, base) for x in s.get("load", [])})
    for n in levels:
        a, b = _level(ours, n), _level(base, n)
        senders = f"{n} concurrent sender{'' if n == 1 else 's'}"
        add(f"throughput, {senders}", "throughput", "msg/s", a, b)
        if n > 1:  # the 1-sender level is the single-sender run, above
            add(f"latency p50, {senders}", "latency_ms.p50", "ms", a, b)
            add(f"latency p95, {senders}", "latency_ms.p95", "ms", a, b)
    add("errors (all load levels)", "errors_total", "count")
    add("empty replies (all load levels)", "empty_replies_total", "count")
    add("safety-net replies, no answer in time (ours only)", "fallback_replies_total", "count")
    add("peak memory, Rasa server", "memory_mb.rasa", "MB")
    add("peak memory, action server", "memory_mb.actions", "MB")
    add("cold start to first answer", "cold_start_s", "s")
    add("full training", "training.full_s", "s")
    add("no-change retrain", "training.no_change_s", "s")
    add("model size", "model_mb", "MB")
    return rows


def markdown_table(results: dict) -> str:
    lines = ["| figure | ours | baseline | ratio ours/baseline |", "| --- | --- | --- | --- |"]
    for name, a, b, unit in figures(results):
        r = None if unit == "count" else ratio(a, b)  # a ratio of error counts means nothing
        cells = [_fmt(a, unit), _fmt(b, unit), "n/a" if r is None else f"{r:.2f}×"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _training_note(system: dict, label: str) -> str:
    training = system.get("training") or {}
    if training.get("carried_over_from"):
        return f"{label} training: carried over from the run of {training['carried_over_from']}."
    if training.get("full_s") is None:
        return f"{label} training: not measured yet (see `--train`, `--no-baseline-train`)."
    return ""


def markdown_report(results: dict) -> str:
    run = results["run"]
    m = run["machine"]
    notes = [n for n in (_training_note(results.get("ours", {}), "Our"),
                         _training_note(results.get("baseline", {}), "Baseline")) if n]
    return "\n".join([
        "# Benchmark: our assistant against stock `rasa init`",
        "",
        f"Run {run['started']} with `{run['command']}`.",
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gb']} GB, {m['os']}, "
        f"Python {m['python']}, Rasa {m['rasa']}; load average before the run "
        f"{run['load_before']}, after {run['load_after']}.",
        "",
        markdown_table(results),
        "",
        "A ratio below 1 favours ours, except throughput, where above 1 does. "
        f"Single-sender latency: {run['messages']} messages. Each load level sends at most "
        f"{run['load_messages']} messages or for {run['load_seconds']:g} s, whichever ends first; "
        f"every sender has its own sender ids, sends one message at a time, and starts a new "
        f"conversation every {run['turns']} messages. The 1-sender level is the single-sender run. "
        "Ours: action server and SQL tracker store (SQLite); baseline: stock `rasa init`, "
        "in-memory tracker store, no action server. The load generator runs on the same machine.",
        *([""] + notes if notes else []),
        "",
    ])


def replace_readme_block(readme: str, block: str) -> str:
    """The page (BENCH_PAGE) with the text between the bench markers replaced by `block`."""
    start, end = readme.index(README_START), readme.index(README_END)
    if end < start:
        raise ValueError(f"bench markers out of order in {BENCH_PAGE.name}")
    return readme[:start + len(README_START)] + "\n" + block.strip() + "\n" + readme[end:]


def carry_over_training(previous: Optional[dict], system: str) -> Optional[dict]:
    """The training figures of an earlier results.json, marked with that run's date."""
    training = _get(previous or {}, f"{system}.training") or {}
    if training.get("full_s") is None:
        return None
    return {**training,
            "carried_over_from": training.get("carried_over_from") or previous["run"]["started"]}


# ---------------------------------------------------------------------------------------
# Measuring

def memory_kib(pid: int) -> dict:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "")
    mem_kib = next(int(line.split()[1]) for line in
                   Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem_kib * 1024 / 1e9, 1),
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "rasa": version("rasa")}


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _rasa(*args) -> List[str]:
    return [str(BIN / "rasa"), *args]


def _run(args, cwd: Path, env: dict, log: Path) -> float:
    """Run a command to completion; its wall-clock seconds. The output goes to `log`."""
    start = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed; see {log}:\n{log.read_text()[-3000:]}")
    return round(time.monotonic() - start, 1)


def time_training(cwd: Path, train_args: List[str], env: dict, logs: Path, label: str) -> dict:
    """A full training (empty cache, fresh output folder), then the same again, unchanged:
    Rasa then finds every component in its cache. Neither touches the served model."""
    with tempfile.TemporaryDirectory(prefix=f"bench-train-{label}-") as tmp:
        env = {**env, "RASA_CACHE_DIRECTORY": f"{tmp}/cache"}
        command = _rasa("train", *train_args, "--out", f"{tmp}/models")
        print(f"[{label}] full training ...", flush=True)
        full = _run(command, cwd, env, logs / f"{label}-train-full.log")
        print(f"[{label}] no-change retrain ...", flush=True)
        again = _run(command, cwd, env, logs / f"{label}-train-no-change.log")
    return {"full_s": full, "no_change_s": again,
            "measured": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def _baseline_fingerprint() -> str:
    digest = hashlib.sha256(version("rasa").encode())
    files = [BASELINE_DIR / "config.yml", BASELINE_DIR / "domain.yml",
             *sorted((BASELINE_DIR / "data").rglob("*.yml"))]
    import yaml

    for path in files:
        # Parsed: `rasa train` rewrites a stock config.yml's comments and its assistant_id,
        # neither of which changes the model.
        data = yaml.safe_load(path.read_text())
        if path.name == "config.yml" and isinstance(data, dict):
            data.pop("assistant_id", None)
        content = json.dumps(data, sort_keys=True, default=str)
        digest.update(f"{path.relative_to(BASELINE_DIR)}\0{content}\0".encode())
    return digest.hexdigest()


def _latest_model(folder: Path) -> Optional[Path]:
    models = sorted(folder.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def ensure_baseline(env: dict, logs: Path) -> Path:
    """The stock project in build/baseline, created by `rasa init --no-prompt` (which also
    trains it) and retrained only when its files or Rasa's version change."""
    stamp = BASELINE_DIR / ".bench-fingerprint"
    if not (BASELINE_DIR / "config.yml").exists():
        BASELINE_DIR.mkdir(parents=True, exist_ok=True)
        print("[baseline] rasa init --no-prompt (creates and trains the stock project) ...", flush=True)
        _run(_rasa("init", "--no-prompt", "--init-dir", "."), BASELINE_DIR, env, logs / "baseline-init.log")
        stamp.write_text(_baseline_fingerprint())
    model = _latest_model(BASELINE_DIR / "models")
    if model is None or not stamp.exists() or stamp.read_text() != _baseline_fingerprint():
        print("[baseline] rasa train ...", flush=True)
        _run(_rasa("train"), BASELINE_DIR, env, logs / "baseline-train.log")
        stamp.write_text(_baseline_fingerprint())
        model = _latest_model(BASELINE_DIR / "models")
        for older in set((BASELINE_DIR / "models").glob("*.tar.gz")) - {model}:
            older.unlink()
    return model


class Baseline(Servers):
    """The stock project, run as `rasa init` says to: `rasa run` in its own folder."""
    cwd = BASELINE_DIR

    def __init__(self, tmp: Path, model: Path):
        super().__init__(tmp, rasa_port=BASELINE_PORTS[0], action_port=BASELINE_PORTS[1])
        self.model = model
        import yaml

        endpoints = yaml.safe_load((BASELINE_DIR / "endpoints.yml").read_text()) or {}
        self.needs_actions = "action_endpoint" in endpoints

    def start_rasa(self, wait=True):
        self._start(
            "rasa",
            _rasa("run", "--model", str(self.model), "--port", str(self.rasa_port),
                  "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"),
            f"http://localhost:{self.rasa_port}/webhooks/rest/",
            wait,
        )


def cold_start(servers: Servers, with_actions: bool, probe: str) -> float:
    """Seconds from launching the server(s) together, as `make run` does, to the first
    non-empty answer (with the action server up, when there is one)."""
    import requests

    start = time.monotonic()
    if with_actions:
        servers.start_actions(wait=False)
    servers.start_rasa(wait=False)
    deadline = start + STARTUP_SECONDS
    actions_up = not with_actions
    while time.monotonic() < deadline:
        for name, process in servers.processes.items():
            if process.poll() is not None:
                servers.wait_until_up(name)  # raises, with the end of the log
        try:
            if not actions_up:
                actions_up = requests.get(f"http://127.0.0.1:{servers.action_port}/health", timeout=2).ok
            elif servers.send(probe, sender="bench-cold-start"):
                return round(time.monotonic() - start, 1)
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer after {STARTUP_SECONDS}s; see the logs in {servers.tmp}")


async def _load(url: str, texts: List[str], concurrency: int, turns: int,
                seconds: Optional[float], prefix: str) -> dict:
    """`concurrency` senders share the texts; each sends one at a time and waits for the
    reply, until the texts run out or `seconds` pass. Each sender starts a new
    conversation (sender id) every `turns` messages."""
    import aiohttp

    queue = iter(texts)
    latencies, errors, empty = [], {}, 0
    timeout = aiohttp.ClientTimeout(total=REQUEST_SECONDS)
    connector = aiohttp.TCPConnector(limit=concurrency)
    start = time.perf_counter()
    deadline = start + seconds if seconds else math.inf

    async def sender(session, number):
        nonlocal empty
        sent = 0
        for text in queue:
            if time.perf_counter() >= deadline:
                break
            body = {"sender": f"{prefix}-{number}-{sent // turns}", "message": text}
            sent += 1
            begin = time.perf_counter()
            try:
                async with session.post(url, json=body) as response:
                    reply = await response.json(content_type=None)
                    if response.status != 200:
                        raise RuntimeError(f"HTTP {response.status}")
                latencies.append((time.perf_counter() - begin) * 1000)
                empty += not reply
            except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError) as error:
                key = f"{type(error).__name__}: {error}"[:120]
                errors[key] = errors.get(key, 0) + 1

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(sender(session, n) for n in range(concurrency)))
    elapsed = time.perf_counter() - start
    return {
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "answered": len(latencies),
        "throughput": round(len(latencies) / elapsed, 1) if elapsed else None,
        "latency_ms": latency_summary(latencies),
        "empty_replies": empty,
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


def load(servers: Servers, texts, concurrency, turns, seconds, prefix) -> dict:
    return asyncio.run(_load(servers.webhook, texts, concurrency, turns, seconds, prefix))


def measure(label: str, servers: Servers, with_actions: bool, args, texts: List[str]) -> dict:
    """Every served figure of one system: cold start, latency, load levels, memory."""
    result = {}
    try:
        print(f"[{label}] cold start ...", flush=True)
        result["cold_start_s"] = cold_start(servers, with_actions, PROBES[label])
        print(f"[{label}] single sender, {args.messages} messages ...", flush=True)
        single = load(servers, texts[:args.messages], 1, args.turns, SINGLE_SENDER_SECONDS,
                      f"bench-{label}-single")
        result["latency_ms"] = single["latency_ms"]
        result["load"], prefixes = [], []
        for n in args.concurrency:
            if n == 1:
                level = {**single, "note": "the single-sender run"}
                prefixes.append(f"bench-{label}-single")
            else:
                print(f"[{label}] {n} concurrent senders ...", flush=True)
                prefixes.append(f"bench-{label}-c{n}")
                level = load(servers, message_mix(args.load_messages, seed=n), n, args.turns,
                             args.load_seconds, prefixes[-1])
            print(f"[{label}]   {n:>2} senders: {level['throughput']} msg/s, "
                  f"p95 {level['latency_ms'].get('p95')} ms, errors {level['errors']}", flush=True)
            result["load"].append(level)
        result["errors_total"] = sum(x["errors"] for x in result["load"])
        result["empty_replies_total"] = sum(x["empty_replies"] for x in result["load"])
        result["memory_mb"] = {
            name: round(memory_kib(servers.processes[name].pid)["VmHWM"] * 1024 / 1e6)
            if name in servers.processes else None
            for name in ("rasa", "actions")
        }
    finally:
        servers.stop_all()
    if servers.db.exists():  # ours: the SQL transcript marks the safety-net replies
        for level, prefix in zip(result["load"], prefixes):
            level["fallback_replies"] = fallback_replies(servers.db, prefix)
        result["fallback_replies_total"] = sum(x["fallback_replies"] for x in result["load"])
    return result


def fallback_replies(db: Path, sender_prefix: str) -> int:
    """Replies that addons/safe_reply.py sent because no answer came in time (the action
    server slow or down), as recorded in the SQL transcript."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE type_name = 'bot' AND sender_id LIKE ?",
            (sender_prefix + "-%",),
        ).fetchall()
    return sum(bool((json.loads(data).get("metadata") or {}).get("fallback")) for data, in rows)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for label, style in (("ours", "o-"), ("baseline", "s--")):
        levels = results.get(label, {}).get("load", [])
        x = [lv["concurrency"] for lv in levels]
        left.plot(x, [lv["throughput"] or 0 for lv in levels], style, label=label)
        right.plot(x, [lv["latency_ms"].get("p95", math.nan) for lv in levels], style, label=label)
    for axis, title, unit in ((left, "Throughput", "messages/s"), (right, "Latency p95", "ms, log scale")):
        axis.set_xscale("log", base=2)
        levels = sorted({lv["concurrency"] for s in ("ours", "baseline")
                         for lv in results.get(s, {}).get("load", [])})
        axis.set_xticks(levels, [str(n) for n in levels])
        axis.set_xlabel("concurrent senders")
        axis.set_ylabel(unit)
        axis.set_title(title)
        if axis is right:
            axis.set_yscale("log")
        else:
            axis.set_ylim(bottom=0)
        axis.grid(True, alpha=0.3)
        axis.legend()
    fig.suptitle(f"Ours vs stock rasa init, {results['run']['started']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def publish(results_dir: Path) -> None:
    """Copy the table and plot to docs/bench/ and show them in BENCH_PAGE (docs/measurements.md)."""
    DOCS_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("results.md", "throughput.png"):
        shutil.copy(results_dir / name, DOCS_DIR / name)
    report = (results_dir / "results.md").read_text()
    body = report.split("\n", 2)[2]  # without the title
    image = os.path.relpath(DOCS_DIR / "throughput.png", BENCH_PAGE.parent)  # relative to the page
    block = f"{body.strip()}\n\n![Throughput and p95 latency against concurrent senders]({image})\n"
    BENCH_PAGE.write_text(replace_readme_block(BENCH_PAGE.read_text(), block))


def _levels(text: str) -> List[int]:
    levels = sorted({int(x) for x in text.split(",") if x.strip()})
    if not levels or levels[0] < 1:
        raise argparse.ArgumentTypeError("concurrency levels are positive integers, e.g. 1,8,32,64")
    return levels


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500, help="single-sender messages (500)")
    parser.add_argument("--concurrency", type=_levels, default=[1, 8, 32, 64],
                        help="concurrent sender levels (1,8,32,64)")
    parser.add_argument("--load-messages", type=int, default=1000,
                        help="at most this many messages per load level (1000)")
    parser.add_argument("--load-seconds", type=float, default=60,
                        help="and at most this long per load level (60)")
    parser.add_argument("--turns", type=int, default=6, help="messages per conversation (6)")
    parser.add_argument("--train", action="store_true",
                        help="also time our full training and no-change retrain (about 5 minutes)")
    parser.add_argument("--no-baseline-train", action="store_true",
                        help="carry over the baseline's training times instead of measuring them")
    parser.add_argument("--only", choices=("ours", "baseline"), help="measure one system only")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--publish", action="store_true",
                        help="copy results.md and throughput.png to docs/bench/ and into docs/measurements.md")
    args = parser.parse_args(argv)
    if args.messages < 1 or args.load_messages < 1 or args.turns < 1:
        parser.error("--messages, --load-messages and --turns must be positive")
    if args.publish and args.messages < 500:
        parser.error("--publish needs a full run: at least 500 single-sender messages")
    if not MODEL.exists():
        parser.error(f"{MODEL} is missing: run `make train` first")

    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    args.out.mkdir(parents=True, exist_ok=True)
    logs = args.out / "logs"
    logs.mkdir(exist_ok=True)
    previous_file = args.out / "results.json"
    previous = json.loads(previous_file.read_text()) if previous_file.exists() else None
    results = {"run": {
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["python -m tools.bench", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine(), "load_before": _load_average(),
        "messages": args.messages, "load_messages": args.load_messages,
        "load_seconds": args.load_seconds, "turns": args.turns,
    }}
    texts = message_mix(args.messages)
    systems = ("ours", "baseline") if args.only is None else (args.only,)

    if "ours" in systems:
        if args.train:
            training = time_training(ROOT, [], env, logs, "ours")
        else:
            training = carry_over_training(previous, "ours")
        with tempfile.TemporaryDirectory(prefix="bench-ours-") as tmp:
            servers = Servers(Path(tmp), rasa_port=OURS_PORTS[0], action_port=OURS_PORTS[1])
            ours = measure("ours", servers, True, args, texts)
            for name in ("rasa", "actions"):
                shutil.copy(Path(tmp) / f"{name}.log", logs / f"ours-{name}.log")
        results["ours"] = {**ours, "training": training, "model_mb": round(MODEL.stat().st_size / 1e6)}

    if "baseline" in systems:
        model = ensure_baseline(env, logs)
        if args.no_baseline_train:
            training = carry_over_training(previous, "baseline")
        else:
            training = time_training(BASELINE_DIR, [], env, logs, "baseline")
        with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
            servers = Baseline(Path(tmp), model)
            baseline = measure("baseline", servers, servers.needs_actions, args, texts)
            shutil.copy(Path(tmp) / "rasa.log", logs / "baseline-rasa.log")
        results["baseline"] = {**baseline, "training": training,
                               "model_mb": round(model.stat().st_size / 1e6)}

    results["run"]["load_after"] = _load_average()
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "results.md").write_text(markdown_report(results))
    plot(results, args.out / "throughput.png")
    print(markdown_table(results))
    print(f"\nWrote {args.out}/results.json, results.md, throughput.png (logs in {logs})")
    if args.publish:
        publish(args.out)
        print(f"Published to {DOCS_DIR} and {BENCH_PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
