"""The scale-out tests: a Redis of their own, and (test_two_instances.py) PostgreSQL,
two action servers and two Rasa servers sharing them. Ports are the tests' own, so they
can run beside the other server tests: Rasa 5805/5806, actions 5855/5856, PostgreSQL
5845, Redis 5879."""
import pytest

from tests.scale.throwaway_redis import ThrowawayRedis

REDIS_PORT = 5879


@pytest.fixture(scope="session")
def redis_server():
    server = ThrowawayRedis(REDIS_PORT)
    try:
        server.start()
        yield server
    finally:
        server.remove()
