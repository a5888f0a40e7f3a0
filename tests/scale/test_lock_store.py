"""The lock store chosen by LOCK_STORE_URL, against a real redis-server: what Rasa gets
from endpoints.yml, and that two stores (two Rasa instances) share one lock safely."""
import asyncio
import threading
import uuid

import pytest
import redis
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.utils import AvailableEndpoints

from scaling.lock_store import AtomicRedisLockStore, EnvironmentLockStore
from tools.servers import ROOT

# Not the database the two-instance test uses.
DB = 3


@pytest.fixture
def lock_url(redis_server, monkeypatch):
    url = f"redis://127.0.0.1:{redis_server.port}/{DB}"
    monkeypatch.setenv("LOCK_STORE_URL", url)
    return url


def _conversation():
    return f"patient-{uuid.uuid4()}"


def test_endpoints_yml_gives_a_redis_lock_store_when_the_url_is_set(lock_url, monkeypatch):
    monkeypatch.setenv("TRACKER_URL", "sqlite://")
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://localhost:1/webhook")
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    store = LockStore.create(endpoints.lock_store)
    assert isinstance(store, RedisLockStore)
    conversation = _conversation()
    store.issue_ticket(conversation)
    # It is the database the URL names.
    assert redis.Redis(port=int(lock_url.split(":")[2].split("/")[0]), db=DB).exists(
        store.key_prefix + conversation)


def test_an_unreachable_redis_fails_at_start(monkeypatch):
    monkeypatch.setenv("LOCK_STORE_URL", "redis://127.0.0.1:1/0")
    with pytest.raises(redis.ConnectionError):
        EnvironmentLockStore()


def test_a_second_instance_waits_for_the_first_to_finish_the_turn(lock_url):
    first, second = EnvironmentLockStore(), EnvironmentLockStore()
    conversation, seen = _conversation(), []

    async def turn(store, name, hold):
        async with store.lock(conversation, wait_time_in_seconds=0.02):
            seen.append(f"{name} starts")
            await asyncio.sleep(hold)
            seen.append(f"{name} ends")

    async def both():
        first_turn = asyncio.create_task(turn(first, "first", 0.5))
        await asyncio.sleep(0.05)  # the first has its ticket
        await turn(second, "second", 0)
        await first_turn

    asyncio.run(both())
    assert seen == ["first starts", "first ends", "second starts", "second ends"]
    assert first.get_lock(conversation) is None, "the lock goes when nobody waits"


def test_tickets_drawn_at_once_by_two_instances_are_all_different(lock_url):
    stores = [EnvironmentLockStore(), EnvironmentLockStore()]
    conversation, drawn = _conversation(), []

    def draw(store):
        for _ in range(50):
            drawn.append(store.issue_ticket(conversation))

    threads = [threading.Thread(target=draw, args=(stores[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(drawn) == list(range(400))

    # Finished at once by both: none is left behind holding the lock.
    def finish(store, tickets):
        for ticket in tickets:
            store.cleanup(conversation, ticket)

    threads = [threading.Thread(target=finish, args=(stores[i % 2], drawn[i::8]))
               for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stores[0].get_lock(conversation) is None


def test_a_lock_left_by_a_dead_instance_expires_in_redis(lock_url):
    store = EnvironmentLockStore()
    conversation = _conversation()
    store.issue_ticket(conversation, lock_lifetime=30)
    assert 0 < store.red.ttl(store.key_prefix + conversation) <= 31


def test_the_url_names_host_port_database_and_credentials():
    store = AtomicRedisLockStore.from_url("rediss://rasa:p%40ss@cache.internal:6380/4")
    kwargs = store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("cache.internal", 6380, 4)
    assert (kwargs["username"], kwargs["password"]) == ("rasa", "p@ss")
    assert store.red.connection_pool.connection_class.__name__ == "SSLConnection"


def test_without_redis_a_conversation_is_still_locked_in_this_process():
    # A real Redis that cannot be reached: nothing listens on port 1.
    store = AtomicRedisLockStore.from_url("redis://127.0.0.1:1/0")
    conversation, seen = _conversation(), []

    async def turn(name, hold):
        async with store.lock(conversation, wait_time_in_seconds=0.02):
            seen.append(f"{name} starts")
            await asyncio.sleep(hold)
            seen.append(f"{name} ends")

    async def both():
        first_turn = asyncio.create_task(turn("first", 0.3))
        await asyncio.sleep(0.05)
        await turn("second", 0)
        await first_turn

    asyncio.run(both())
    assert seen == ["first starts", "first ends", "second starts", "second ends"]


def test_a_turn_queued_behind_a_dead_instance_is_served_when_the_dead_ticket_expires(lock_url):
    dead, alive = EnvironmentLockStore(), EnvironmentLockStore()
    conversation = _conversation()
    dead.issue_ticket(conversation, lock_lifetime=1)  # never finished: its instance died

    async def turn():
        async with alive.lock(conversation, lock_lifetime=1, wait_time_in_seconds=0.25):
            return alive.get_lock(conversation).now_serving

    # Rasa's own lock lets the waiting ticket expire with the dead one: LockError.
    assert asyncio.run(turn()) == 1
    assert alive.get_lock(conversation) is None
