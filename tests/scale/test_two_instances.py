"""Two Rasa instances and two action servers sharing PostgreSQL and Redis, as Rasa's Helm
charts deploy them: messages for the same conversations go to either instance, and
nothing is lost, duplicated or reordered; when one instance dies, the other carries on
with the same conversations.

The tests run in this order and share the instances (the last one kills instance 0).
"""
import asyncio
import uuid

import aiohttp

import content
from tests import safety
from tests.safety import texts
from tools import load

# The short form, for `make test`; the long forms are commands (docs/scale-out.md).
SENDERS = 40
MESSAGES = 240
CONCURRENCY = 8
MAX_SECONDS = 600  # a bound on sending, far above what it takes


def _send(instance, message, sender):
    return texts(instance.send(message, sender=sender))


def test_interleaved_conversations_are_stored_whole_and_in_order(instances, postgres):
    report = load.run_load([s.webhook for s in instances], postgres.url, SENDERS, MESSAGES,
                           CONCURRENCY, MAX_SECONDS)
    print(report)
    assert report["problems"] == {}, report["examples"]
    assert report["answered"] == report["sent"] == MESSAGES
    assert report["stored_user_events"] == MESSAGES
    assert report["stored_bot_events"] == report["received_bot_messages"]
    assert set(report["answered_by_instance"]) == {0, 1}


def test_a_conversation_continues_on_the_other_instance_with_its_history(instances):
    sender = f"history-{uuid.uuid4()}"
    first = _send(instances[0], "i dont want to be alive anymore", sender)
    assert safety.has_crisis_resources(first[0]), first
    # Only the stored conversation tells the other instance that this follows a crisis.
    follow_up = _send(instances[1], "thanks", sender)
    assert any(safety.has_crisis_resources(r) for r in follow_up), follow_up


def test_messages_sent_to_both_at_once_are_handled_one_after_the_other(instances, postgres):
    """The Redis lock store at work: each instance waits for the other's turn to be
    stored, so neither overwrites the other's events."""
    questions = [content.faq_topics()[t]["title"] for t in ("what_is_ptsd", "naloxone")]
    prefix = f"together-{uuid.uuid4().hex[:8]}"
    senders = [f"{prefix}-{n}" for n in range(12)]

    async def both_at_once():
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
            async def post(instance, sender, text):
                body = {"sender": sender, "message": text}
                async with session.post(instance.webhook, json=body) as response:
                    assert response.status == 200
                    return text, [m.get("text") or "" for m in await response.json()]

            return await asyncio.gather(*(
                post(instances[i], sender, questions[i]) for sender in senders for i in (0, 1)))

    replies = asyncio.run(both_at_once())
    stored = load.stored_turns(postgres.url, prefix)
    for number, sender in enumerate(senders):
        answered = dict(replies[2 * number: 2 * number + 2])
        turns = stored.get(sender, [])
        assert sorted(t["user"] for t in turns) == sorted(questions), turns
        for turn in turns:
            assert turn["bot"] == answered[turn["user"]], f"{sender}: events of two turns mixed"
            assert turn["bot"][-1] == content.referral()


def test_when_one_instance_dies_the_other_serves_the_same_conversations(instances, postgres):
    # Conversations begun on the instance about to die.
    crisis_sender = f"before-death-{uuid.uuid4()}"
    assert safety.has_crisis_resources(_send(instances[0], "i want to kill myself", crisis_sender)[0])

    killed = []

    def kill_instance_0():
        instances[0].processes["rasa"].kill()  # a crash: no clean shutdown, locks left held
        killed.append(True)

    report = load.run_load([s.webhook for s in instances], postgres.url, SENDERS, MESSAGES,
                           CONCURRENCY, MAX_SECONDS, after=(MESSAGES // 3, kill_instance_0))
    print(report)
    assert killed
    assert report["problems"] == {}, report["examples"]
    assert report["answered"] == report["sent"] == MESSAGES
    # Every conversation had turns on both; after the kill instance 1 answered the rest.
    assert report["answered_by_instance"][1] > MESSAGES // 2
    assert report["failed_over"] >= 1
    assert instances[0].processes["rasa"].poll() is not None

    # The crisis conversation goes on at the survivor, which reads it from the store.
    follow_up = _send(instances[1], "I'm ok now", crisis_sender)
    assert any(safety.has_crisis_resources(r) for r in follow_up), follow_up


def test_with_redis_down_a_crisis_still_gets_the_crisis_resources(instances, postgres,
                                                                  redis_server):
    survivor = instances[1]
    prefix = f"no-redis-{uuid.uuid4().hex[:8]}"
    sender = f"{prefix}-0"
    redis_server.stop()
    try:
        crisis = _send(survivor, "i want to end it all", sender)
        assert safety.has_crisis_resources(crisis[0]), crisis
        question = content.faq_topics()["naloxone"]["title"]
        answer = _send(survivor, question, sender)
        assert answer[0] == content.answer_text(content.faq_topics()["naloxone"]), answer
    finally:
        redis_server.start()
    stored = load.stored_turns(postgres.url, prefix)[sender]
    assert [t["user"] for t in stored] == ["i want to end it all", question]
