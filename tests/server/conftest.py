"""The server tests run against the real action server and Rasa server, started once."""
import pytest

from tools.servers import running


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    with running(tmp_path_factory.mktemp("servers")) as started:
        yield started
