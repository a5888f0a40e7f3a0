"""Time the review pages at scale: fill a database with N synthetic conversations (100,000
by default), start the review app on it, and report p50/p95 of the list, filter and
transcript pages over real HTTP. A script, not a test; the target is p95 <= 300 ms.

    .venv/bin/python -m tools.bench_review [--conversations N] [--url URL] [--port P]

Events are written in bulk with the shape the tracker store writes, and the summary
rows by the same code the tracker store runs (transcripts.summary.Summary), since saving
100,000 conversations one turn at a time would take an hour. Results go to stdout and
results/bench_review/results.json.
"""
import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from review import accounts, schema
from transcripts.summary import Summary
from tests.server.review_server import ReviewServer
from transcripts.tracker_store import RedactingSQLTrackerStore

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "bench_review"
INTENTS = ["faq", "greet", "goodbye", "crisis", "distress", "nlu_fallback", "medication_question", "thanks"]
# The NLU pipeline's risk kinds (addons/risk_triage.py), for the risk entries of the
# crisis and distress turns, so that the risk filter reads labels of realistic spread.
RISK_KINDS = {"crisis": ["suicide", "self_harm", "overdose_now", "harm_others", "voices", "recent_attempt"],
              "distress": ["passive_wish", "hopelessness", "burden", "numbness", "grief", "cant_go_on",
                           "isolation"]}
TOPICS = ["therapy/cbt", "therapy/emdr", "medication/ssri", "about/ptsd", "about/symptoms"]
WORDS = "what is ptsd how long does cbt take can i stop my medication nightmares sleep flashbacks".split()
START = 1_760_000_000.0  # 2025-10-09
CHUNK = 2000


def _conversation(rng: random.Random, started: float):
    events, at = [], started
    for _ in range(rng.randint(1, 6)):
        intent = rng.choices(INTENTS, weights=[50, 15, 10, 2, 3, 8, 10, 5])[0]
        confidence = round(rng.uniform(0.25, 1.0), 3)
        text = " ".join(rng.choices(WORDS, k=rng.randint(3, 10)))
        user = {"event": "user", "timestamp": at, "text": text, "input_channel": "rest",
                "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence},
                               "intent_ranking": [{"name": intent, "confidence": confidence},
                                                  {"name": "greet", "confidence": 0.05}],
                               "entities": []}}
        if intent in RISK_KINDS:
            kinds = sorted(rng.sample(RISK_KINDS[intent], rng.randint(1, 2)))
            user["parse_data"]["risk"] = {"tier": intent, "kinds": kinds, "about_other": rng.random() < 0.2}
        if intent == "crisis":
            user["parse_data"]["crisis"] = {"kinds": kinds, "matches": []}
        events.append(user)
        if intent == "distress":
            events += [{"event": "action", "timestamp": at, "name": "action_distress_check_in"},
                       {"event": "bot", "timestamp": at, "text": "Are you having thoughts of suicide?",
                        "metadata": {"part": "check_in", "review": {"distress": True}}}]
        elif intent == "crisis":
            events += [{"event": "slot", "timestamp": at, "name": "crisis_flag", "value": True},
                       {"event": "action", "timestamp": at, "name": "action_crisis"},
                       {"event": "bot", "timestamp": at, "text": "Call or text 988.",
                        "metadata": {"part": "crisis", "review": {"crisis": True}}}]
        else:
            topic = rng.choice(TOPICS)
            events += [{"event": "action", "timestamp": at, "name": "action_answer_faq"},
                       {"event": "bot", "timestamp": at, "text": "An answer about " + topic,
                        "metadata": {"part": "answer", "review": {"topic": topic, "citation": "NICE NG116",
                                                                  "warnings": ["general_information"]}}},
                       {"event": "bot", "timestamp": at, "text": "A warning.",
                        "metadata": {"part": "warning", "warning_id": "general_information"}},
                       {"event": "bot", "timestamp": at, "text": "Talk to your doctor.",
                        "metadata": {"part": "referral"}}]
        at += rng.uniform(10, 120)
    return events


def fill(url: str, count: int, seed: int = 1) -> None:
    store = RedactingSQLTrackerStore(domain=None, host=url)  # creates events and the summary tables
    table, engine = store.SQLEvent.__table__, store.engine
    schema.create(engine)  # the staff app's tables, as the app makes them at start
    rng = random.Random(seed)
    next_id = 1
    for start in range(0, count, CHUNK):
        events, summaries, labels = [], [], []
        for n in range(start, min(count, start + CHUNK)):
            sender = f"bench-{n:07d}"
            rows = []
            for data in _conversation(rng, START + n * 300 + rng.uniform(0, 299)):
                rows.append((next_id, data))
                events.append({"id": next_id, "sender_id": sender, "type_name": data["event"],
                               "timestamp": data["timestamp"], "data": json.dumps(data),
                               "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
                               "action_name": data.get("name") if data["event"] == "action" else None})
                next_id += 1
            summary = Summary()
            summary.add(rows)
            summaries.append({"sender_id": sender, **summary.row()})
            labels += [{"kind": k, "name": n, "sender_id": sender} for k, n in summary.labels()]
        with engine.begin() as connection:
            connection.execute(table.insert(), events)
            connection.execute(schema.conversations.insert(), summaries)
            connection.execute(schema.labels.insert(), labels)
    with engine.begin() as connection:
        accounts.create(connection, "bench", "bench password 1234")
        tagged = [{"sender_id": f"bench-{n:07d}", "tag": "reviewed", "staff_id": 1, "created_at": START}
                  for n in range(0, count, 50)]
        connection.execute(schema.tags.insert(), tagged)
    engine.dispose()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(client, paths, repeat: int):
    times = []
    for _ in range(repeat):
        for path in paths:
            began = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--port", type=int, default=5790)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-review-"))
    url = args.url or f"sqlite:///{tmp}/conversations.db"
    began = time.perf_counter()
    fill(url, args.conversations)
    print(f"Filled {args.conversations} conversations in {time.perf_counter() - began:.0f} s ({url})")
    server = ReviewServer(tmp, url, port=args.port).start()
    try:
        client = server.client()
        if client.login("bench", "bench password 1234").status_code != 303:
            raise RuntimeError("could not log in")
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            deep = connection.execute(sa.select(schema.conversations.c.started_at, schema.conversations.c.sender_id)
                                      .order_by(schema.conversations.c.started_at.desc())
                                      .offset(args.conversations // 2).limit(1)).first()
        engine.dispose()
        from review.filters import encode_cursor
        rng = random.Random(2)
        samples = [f"bench-{rng.randrange(args.conversations):07d}" for _ in range(20)]
        pages = {
            "list": ["/", "/?after=" + encode_cursor(*deep)],
            "filter": ["/?crisis=1", "/?low_confidence=1", "/?intent=medication_question",
                       "/?action=action_crisis", "/?tag=reviewed", "/?q=flashbacks%20nightmares",
                       "/?crisis=1&date_from=2025-11-01&date_to=2025-11-30", "/?q=no%20such%20words",
                       "/?risk=distress", "/?risk=crisis%3Aoverdose_now", "/?risk=about_other",
                       "/?risk=distress%3Agrief&date_from=2025-11-01&date_to=2025-11-30"],
            "transcript": ["/conversation?id=" + s for s in samples],
        }
        results = {}
        for name, paths in pages.items():
            times = measure(client, paths, args.repeat if name != "transcript" else 2)
            results[name] = {"requests": len(times), "p50_ms": round(statistics.median(times), 1),
                             "p95_ms": round(percentile(times, 95), 1), "max_ms": round(max(times), 1)}
            slowest = []
            for path in paths:  # per page, to see which filter is the slow one
                t = measure(client, [path], 3)
                slowest.append((round(statistics.median(t), 1), path))
            results[name]["per_page_median_ms"] = {p: t for t, p in sorted(slowest, reverse=True)}
    finally:
        server.stop()
    report = {"conversations": args.conversations, "database": url.split(":")[0], "pages": results}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(report, indent=1))
    for name, r in results.items():
        print(f"{name:10} {r['requests']:4} requests  p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  max {r['max_ms']:7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
