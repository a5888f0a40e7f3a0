"""Without LOCK_STORE_URL the assistant keeps Rasa's in-memory lock store (`make run`);
the Redis side is tested against a real redis-server in tests/scale/test_lock_store.py."""
import pytest
from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.utils.endpoints import EndpointConfig

from scaling.lock_store import AtomicRedisLockStore, EnvironmentLockStore

TYPE = "scaling.lock_store.EnvironmentLockStore"


def test_in_memory_when_the_url_is_unset(monkeypatch):
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    monkeypatch.delenv("SANIC_WORKERS", raising=False)
    assert isinstance(LockStore.create(EndpointConfig(type=TYPE)), InMemoryLockStore)


def test_several_workers_without_a_shared_lock_store_refuse_to_start(monkeypatch):
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        EnvironmentLockStore()


@pytest.mark.parametrize("url", ["localhost:6379", "http://localhost:6379/0", "redis://"])
def test_a_url_that_is_not_redis_is_refused(url):
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        AtomicRedisLockStore.from_url(url)
