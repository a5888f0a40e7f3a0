"""Conversations sent to one or more Rasa instances at once, with every turn checked:
each reply is the right one, and the tracker store holds exactly the turns that were
sent and answered, each once, in the order sent.

The two-instance test (tests/scale) runs it in a short form. As a command it starts the
servers itself (as `make run` does) and runs the long forms, on loopback only, bounded
in messages and time:

    python -m tools.load --senders 500 --messages 20000        # load: counts stored turns
    python -m tools.load --soak-seconds 600 --rate 8            # soak: memory slope

See docs/scale-out.md. Exit status 0 only when nothing was lost, duplicated,
reordered, wrong or in error.
"""
import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import sqlalchemy as sa

import content
from tools.bench import memory_kib
from tools.servers import MODEL, Servers
from transcripts.redaction import redact

REQUEST_SECONDS = 120  # above Rasa's 60 s lock lifetime: a lock a dead instance held
GREETING = "hi there"
# Crisis messages the crisis patterns always catch (data/risk/crisis.yml has more).
CRISIS_TEXTS = ["i want to kill myself", "i dont want to be alive anymore", "i want to end it all"]


@dataclass
class Turn:
    sender: str
    index: int
    text: str
    kind: str  # "greeting", "crisis" or "faq:<topic>"
    instance: Optional[int] = None  # the instance that answered
    replies: Optional[list] = None
    error: str = ""
    failed_over: bool = False  # an instance died under it, and another answered
    seconds: float = 0.0

    @property
    def texts(self) -> List[str]:
        return [m.get("text") or "" for m in self.replies or []]


def conversations(senders: int, messages: int, prefix: str, seed: int = 0) -> Dict[str, List[Turn]]:
    """`messages` turns shared among `senders`: FAQ questions (each topic's title), a
    greeting first for every other sender, and a crisis message last for every fourth
    (last, because after a crisis every reply keeps the crisis resources in view)."""
    topics = sorted(content.faq_topics())
    plans = {}
    for number in range(senders):
        count = messages // senders + (number < messages % senders)
        rng = random.Random(seed * 100003 + number)
        kinds = []
        while len(kinds) < count:
            kinds += [f"faq:{t}" for t in rng.sample(topics, len(topics))]
        kinds = kinds[:count]
        if count > 1 and number % 2:
            kinds[0] = "greeting"
        if count > 2 and number % 4 == 0:
            kinds[-1] = "crisis"
        sender = f"{prefix}-{number}"
        plans[sender] = [Turn(sender, i, _text(kind, rng), kind) for i, kind in enumerate(kinds)]
    return plans


def _text(kind: str, rng: random.Random) -> str:
    if kind == "greeting":
        return GREETING
    if kind == "crisis":
        return rng.choice(CRISIS_TEXTS)
    # The title: what is checked here is that every turn is answered and stored whole under
    # load, not how one training handles one new phrasing (make evaluate measures that).
    return content.faq_topics()[kind[4:]]["title"]


def reply_problem(turn: Turn) -> Optional[str]:
    """What is wrong with the reply to `turn`, or None."""
    texts = turn.texts
    if not texts:
        return "no reply"
    if turn.kind == "greeting":
        return None if "automated assistant" in texts[0] else "greeting not answered"
    if turn.kind == "crisis":
        if content.emergency_number() not in texts[0]:
            return "crisis resources not first"
        return None
    topic = content.faq_topics()[turn.kind[4:]]
    if texts[0] != content.answer_text(topic):
        return f"not the curated answer for {turn.kind[4:]}: {texts[0][:60]!r}"
    # one "Safety note" bubble holds every warning (actions/replies.py)
    if not any(content.warnings_in(text) for text in texts[1:-1]):
        return "no warning"
    if texts[-1] != content.referral():
        return "no referral last"
    return None


class Instances:
    """The webhooks, which a turn is sent to in turn, and those found dead (as a load
    balancer would take them out)."""

    def __init__(self, urls: Sequence[str]):
        self.urls, self.dead = list(urls), set()

    def pick(self, sender_number: int, turn_index: int) -> Optional[int]:
        live = [i for i in range(len(self.urls)) if i not in self.dead]
        if not live:
            return None
        preferred = (sender_number + turn_index) % len(self.urls)
        return preferred if preferred in live else live[preferred % len(live)]


async def _send(session, instances: Instances, sender_number: int, turn: Turn) -> None:
    import aiohttp

    begin = time.perf_counter()
    while True:
        number = instances.pick(sender_number, turn.index)
        if number is None:
            turn.error = "no instance left"
            return
        body = {"sender": turn.sender, "message": turn.text}
        try:
            async with session.post(instances.urls[number], json=body) as response:
                if response.status != 200:
                    turn.error = f"HTTP {response.status} from instance {number}"
                    return
                turn.replies, turn.instance = await response.json(content_type=None), number
                turn.seconds = time.perf_counter() - begin
                return
        except aiohttp.ClientConnectionError:
            # The instance went away (refused, or dropped the request): the next takes
            # the same message. The dead one may have stored the turn before it died.
            instances.dead.add(number)
            turn.failed_over = True
        except (asyncio.TimeoutError, aiohttp.ClientError, ValueError) as error:
            turn.error = f"{type(error).__name__} from instance {number}: {error}"[:200]
            return


async def send_all(urls: Sequence[str], plans: Dict[str, List[Turn]], concurrency: int,
                   max_seconds: float, after: Optional[tuple] = None) -> None:
    """Every sender's turns in order, one at a time, senders interleaved, at most
    `concurrency` requests in flight. `after=(n, callback)` calls callback once n turns
    are answered (the test kills an instance there). Turns not sent within
    `max_seconds` are marked as errors."""
    import aiohttp

    instances = Instances(urls)
    slots = asyncio.Semaphore(concurrency)
    answered = 0

    async def converse(sender_number: int, turns: List[Turn]):
        nonlocal answered
        for turn in turns:
            async with slots:
                await _send(session, instances, sender_number, turn)
            if turn.error:
                return  # the rest of this conversation would not mean the same
            answered += 1
            if after and answered == after[0]:
                after[1]()

    timeout = aiohttp.ClientTimeout(total=REQUEST_SECONDS)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks = [asyncio.ensure_future(converse(n, turns))
                 for n, turns in enumerate(plans.values())]
        done, pending = await asyncio.wait(tasks, timeout=max_seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    for turns in plans.values():
        for turn in turns:
            if turn.replies is None and not turn.error:
                turn.error = "not sent: stopped at the time bound or after an error"


def stored_turns(tracker_url: str, prefix: str) -> Dict[str, List[dict]]:
    """Each sender's stored turns, in store order: {"user": text, "bot": [texts]}."""
    engine = sa.create_engine(tracker_url)
    try:
        with engine.connect() as db:
            rows = db.execute(sa.text(
                "SELECT sender_id, type_name, data FROM events "
                "WHERE sender_id LIKE :prefix ORDER BY id"), {"prefix": f"{prefix}-%"}).fetchall()
    finally:
        engine.dispose()
    turns: Dict[str, List[dict]] = {}
    for sender, kind, data in rows:
        event = json.loads(data)
        if kind == "user":
            turns.setdefault(sender, []).append({"user": event.get("text") or "", "bot": []})
        elif kind == "bot":
            conversation = turns.setdefault(sender, [])
            if not conversation:
                conversation.append({"user": None, "bot": []})  # a reply before any message
            conversation[-1]["bot"].append(event.get("text") or "")
    return turns


def check(plans: Dict[str, List[Turn]], stored: Dict[str, List[dict]]) -> dict:
    """Compare what was sent and answered with what the store holds, sender by sender."""
    problems: Counter = Counter()
    examples: List[str] = []

    def problem(kind, sender, detail=""):
        problems[kind] += 1
        if len(examples) < 20:
            examples.append(f"{kind}: {sender} {detail}".strip())

    for sender, turns in plans.items():
        have = list(stored.get(sender, []))
        for turn in turns:
            if turn.error:
                problem("error", sender, f"turn {turn.index}: {turn.error}")
                # Unanswered: it may be stored once (its instance died after storing it).
                if have and have[0]["user"] == redact(turn.text):
                    have.pop(0)
                continue
            if (turn.failed_over and len(have) > 1 and have[0]["user"] == have[1]["user"]
                    == redact(turn.text)):
                have.pop(0)  # stored by the instance that died, then answered by another
            wrong = reply_problem(turn)
            if wrong:
                problem("wrong reply", sender, f"turn {turn.index}: {wrong}")
            if not have:
                problem("lost turn", sender, f"turn {turn.index} {turn.text!r} not stored")
                continue
            got = have.pop(0)
            if got["user"] != redact(turn.text):
                later = [t["user"] for t in have]
                kind = "out of order" if redact(turn.text) in later else "lost turn"
                problem(kind, sender, f"turn {turn.index}: stored {got['user']!r}, sent {turn.text!r}")
            elif got["bot"] != [redact(text) for text in turn.texts]:
                problem("stored replies differ", sender,
                        f"turn {turn.index}: {len(got['bot'])} stored, {len(turn.texts)} received")
        for extra in have:
            problem("duplicated or unexpected turn", sender, repr(extra["user"]))
    answered = [t for turns in plans.values() for t in turns if not t.error]
    seconds = sorted(t.seconds for t in answered)
    return {
        "senders": len(plans),
        "sent": sum(len(turns) for turns in plans.values()),
        "answered": len(answered),
        "failed_over": sum(t.failed_over for t in answered),
        "answered_by_instance": dict(Counter(t.instance for t in answered)),
        "stored_user_events": sum(len(turns) for turns in stored.values()),
        "stored_bot_events": sum(len(t["bot"]) for turns in stored.values() for t in turns),
        "received_bot_messages": sum(len(t.texts) for t in answered),
        "latency_p50_ms": round(seconds[len(seconds) // 2] * 1000) if seconds else None,
        "latency_p95_ms": round(seconds[int(len(seconds) * 0.95)] * 1000) if seconds else None,
        "problems": dict(problems),
        "examples": examples,
    }


def run_load(urls: Sequence[str], tracker_url: str, senders: int, messages: int,
             concurrency: int, max_seconds: float, after: Optional[tuple] = None,
             prefix: str = "") -> dict:
    prefix = prefix or f"load-{uuid.uuid4().hex[:8]}"
    plans = conversations(senders, messages, prefix)
    began = time.perf_counter()
    asyncio.run(send_all(urls, plans, concurrency, max_seconds, after))
    elapsed = time.perf_counter() - began
    report = check(plans, stored_turns(tracker_url, prefix))
    report["seconds"] = round(elapsed, 1)
    report["throughput"] = round(report["answered"] / elapsed, 1) if elapsed else None
    return report


def soak(servers: Servers, seconds: float, rate: float, senders: int,
         sample_every: float = 10.0) -> dict:
    """Messages at a steady `rate` for `seconds`, the servers' memory sampled as it goes;
    the slope (MiB per minute, least squares) is taken after the first fifth, once
    caches have filled."""
    prefix = f"soak-{uuid.uuid4().hex[:8]}"
    count = int(seconds * rate)
    plans = conversations(senders, count, prefix)
    order = [turn for round_ in _rounds(plans) for turn in round_]
    samples: Dict[str, list] = {name: [] for name in servers.processes}
    began = time.perf_counter()

    def sample():
        now = time.perf_counter() - began
        for name, process in servers.processes.items():
            samples[name].append((now, memory_kib(process.pid).get("VmRSS", 0) / 1024))

    async def paced():
        import aiohttp

        instances = Instances([servers.webhook])
        timeout = aiohttp.ClientTimeout(total=REQUEST_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            pending, next_sample = set(), 0.0
            for number, turn in enumerate(order):
                due = began + number / rate
                while (now := time.perf_counter()) < due:
                    if now - began >= next_sample:
                        sample()
                        next_sample += sample_every
                    await asyncio.sleep(min(0.05, due - now))
                pending = {p for p in pending if not p.done()}
                # A sender's next turn waits for its previous one, so order holds.
                previous = turn.index and plans[turn.sender][turn.index - 1]
                pending.add(asyncio.ensure_future(_after(previous, session, instances, turn)))
            await asyncio.wait_for(asyncio.gather(*pending), timeout=REQUEST_SECONDS * 2)
        sample()

    asyncio.run(paced())
    report = check(plans, stored_turns(servers.env["TRACKER_URL"], prefix))
    report["seconds"] = round(time.perf_counter() - began, 1)
    report["rate"] = rate
    report["memory_mib"] = {}
    for name, points in samples.items():
        steady = [p for p in points if p[0] >= seconds / 5]
        report["memory_mib"][name] = {
            "start": round(points[0][1]), "end": round(points[-1][1]),
            "max": round(max(p[1] for p in points)),
            "slope_mib_per_minute": round(slope(steady) * 60, 3) if len(steady) > 1 else None,
        }
    return report


def _rounds(plans):
    """Turn 0 of every sender, then turn 1 of every sender, and so on."""
    longest = max(len(turns) for turns in plans.values())
    return [[turns[i] for turns in plans.values() if i < len(turns)] for i in range(longest)]


async def _after(previous, session, instances, turn):
    while previous and previous.replies is None and not previous.error:
        await asyncio.sleep(0.05)
    if previous and previous.error:
        turn.error = "not sent: an earlier turn failed"
        return
    await _send(session, instances, 0, turn)


def slope(points) -> float:
    """Least-squares slope of (x, y) points."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--senders", type=int, default=500)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight at most")
    parser.add_argument("--max-seconds", type=float, default=3600, help="stop sending after this")
    parser.add_argument("--soak-seconds", type=float, help="run the soak instead of the load")
    parser.add_argument("--rate", type=float, default=8.0, help="soak: messages per second")
    parser.add_argument("--rasa-port", type=int, default=5805)
    parser.add_argument("--action-port", type=int, default=5855)
    parser.add_argument("--tracker-url", default="",
                        help="default: a fresh SQLite file, as `make run` uses")
    parser.add_argument("--out", type=Path, default=Path("results/load"))
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train` first", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        servers = Servers(Path(tmp), rasa_port=args.rasa_port, action_port=args.action_port,
                          tracker_url=args.tracker_url)
        try:
            servers.start_actions()
            servers.start_rasa()
            if args.soak_seconds:
                name = "soak"
                report = soak(servers, args.soak_seconds, args.rate, args.senders)
            else:
                name = "load"
                report = run_load([servers.webhook], servers.env["TRACKER_URL"], args.senders,
                                  args.messages, args.concurrency, args.max_seconds)
        finally:
            servers.stop_all()
    report["command"] = "python -m tools.load " + " ".join(argv if argv is not None else sys.argv[1:])
    (args.out / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0 if not report["problems"] else 1


if __name__ == "__main__":
    sys.exit(main())
