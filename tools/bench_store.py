"""The tracker store's share of a turn: CPU per turn for reading a conversation back and
writing the turn's events, ours against Rasa's plain SQL store. A script, not a test.

    .venv/bin/python -m tools.bench_store [--conversations 200] [--turns 6] [--url URL]

Each turn is what the assistant stores for a FAQ answer (a user message with its parse
data, four bot messages, the actions), read and written as Rasa's processor does:
retrieve, add the turn, save. Ours also redacts the events and keeps the review summary,
which Rasa's store does not. By default each store gets a new SQLite file; with --url
(a PostgreSQL database) the tables there are used, with new sender ids each run.
"""
import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from typing import List

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered

from transcripts.tracker_store import RedactingSQLTrackerStore

STORES = {"ours": RedactingSQLTrackerStore, "rasa": SQLTrackerStore}
TOPICS = [f"topic_{n}" for n in range(10)]


def turn_events(number: int) -> List[Event]:
    text = f"are opioids a treatment for ptsd? (turn {number}, write to sam@example.org)"
    ranking = [{"name": name, "confidence": round(0.9 / (i + 1), 4)}
               for i, name in enumerate(["faq", "greet", "crisis", "thanks", "out_of_scope",
                                         "bot_challenge", "goodbye", "affirm", "deny", "source"])]
    parse_data = {
        "text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": [],
        "response_selector": {"faq": {
            "response": {"intent_response_key": "faq/topic_0", "confidence": 0.98,
                         "utter_action": "utter_faq/topic_0", "responses": [{"text": "..."}]},
            "ranking": [{"intent_response_key": f"faq/{t}", "confidence": 0.1} for t in TOPICS],
        }},
    }
    bot = [BotUttered("Opioids are a controversial option for PTSD. " * 6,
                      metadata={"part": "answer", "review": {"topic": "topic_0", "sources": ["P1"]}})]
    bot += [BotUttered("Opioids can cause addiction. " * 4, metadata={"part": "warning",
                                                                      "warning_id": f"w{i}"})
            for i in range(2)]
    bot.append(BotUttered("Please talk to a doctor or pharmacist.", metadata={"part": "referral"}))
    return [UserUttered(text, intent=ranking[0], parse_data=parse_data, input_channel="rest"),
            ActionExecuted("action_faq", policy="RulePolicy", confidence=1.0), *bot,
            ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0)]


async def converse(store, conversations: int, turns: int) -> float:
    """CPU seconds spent in the store for all the turns."""
    prefix = uuid.uuid4().hex[:8]
    spent = 0.0
    for number in range(conversations):
        sender = f"bench-{prefix}-{number}"
        for turn in range(turns):
            begin = time.process_time()
            tracker = await store.get_or_create_tracker(sender)
            for event in turn_events(turn):
                tracker.update(event)
            await store.save(tracker)
            spent += time.process_time() - begin
    return spent


def run(name: str, url: str, conversations: int, turns: int) -> dict:
    store = STORES[name](domain=Domain.empty(), host=url)
    seconds = asyncio.run(converse(store, conversations, turns))
    store.engine.dispose()
    return {"store": name, "turns": conversations * turns,
            "cpu_ms_per_turn": round(1000 * seconds / (conversations * turns), 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--turns", type=int, default=6, help="turns per conversation (6)")
    parser.add_argument("--url", help="a PostgreSQL URL instead of new SQLite files")
    args = parser.parse_args(argv)
    if args.conversations < 1 or args.turns < 1:
        parser.error("--conversations and --turns must be positive")
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        for name in STORES:
            url = args.url or f"sqlite:///{tmp}/{name}.db"
            print(run(name, url, args.conversations, args.turns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
