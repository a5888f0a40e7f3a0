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


RASA_PORTS = (5805, 5806)
ACTION_PORTS = (5855, 5856)
POSTGRES_PORT = 5845
# Rasa's conversation lock lives 60 s by default; a lock held by the instance the test
# kills is waited out by the other. Shorter here only so the test is quick.
LOCK_LIFETIME_SECONDS = "20"


@pytest.fixture(scope="session")
def postgres():
    from tests.server.throwaway_postgres import throwaway_postgres

    with throwaway_postgres(POSTGRES_PORT) as server:
        yield server


@pytest.fixture(scope="session")
def instances(tmp_path_factory, postgres, redis_server):
    """Two action servers and two Rasa servers (instance i uses action server i), sharing
    the PostgreSQL tracker store and the Redis lock store, all started at once."""
    from rasa.shared.core.domain import Domain

    from tools.servers import MODEL, Servers
    from transcripts.tracker_store import RedactingSQLTrackerStore

    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    # The tables made once beforehand, so that the two instances do not race to make them.
    RedactingSQLTrackerStore(domain=Domain.empty(), host=postgres.url).engine.dispose()
    started = [
        Servers(tmp_path_factory.mktemp(f"instance{i}"), rasa_port=RASA_PORTS[i],
                action_port=ACTION_PORTS[i], tracker_url=postgres.url,
                env={"LOCK_STORE_URL": redis_server.url,
                     "TICKET_LOCK_LIFETIME": LOCK_LIFETIME_SECONDS})
        for i in range(2)
    ]
    try:
        for servers in started:
            servers.start_actions(wait=False)
            servers.start_rasa(wait=False)
        for servers in started:
            servers.wait_until_up("actions")
            servers.wait_until_up("rasa")
        yield started
    finally:
        for servers in started:
            servers.stop_all()
