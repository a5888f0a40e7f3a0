"""The server tests run against the real action server and Rasa server, started once."""
import pytest

from tools.servers import MODEL, Servers, running


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    with running(tmp_path_factory.mktemp("servers")) as started:
        yield started


# The transcript tests run their own servers on their own ports (Rasa 5405, actions
# 5455), so that they can run beside the other server tests and a `make bench`.
TRANSCRIPT_RASA_PORT = 5405
TRANSCRIPT_ACTION_PORT = 5455


@pytest.fixture(scope="session")
def transcript_actions(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    started = Servers(tmp_path_factory.mktemp("transcript-actions"),
                      rasa_port=TRANSCRIPT_RASA_PORT, action_port=TRANSCRIPT_ACTION_PORT)
    try:
        started.start_actions()
        yield started
    finally:
        started.stop_all()


def transcript_rasa(tmp, tracker_url: str = "") -> Servers:
    """A Rasa server on the transcript tests' port, using `transcript_actions`."""
    return Servers(tmp, rasa_port=TRANSCRIPT_RASA_PORT, action_port=TRANSCRIPT_ACTION_PORT,
                   tracker_url=tracker_url)
