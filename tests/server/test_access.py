"""Who can reach what: the action server only from this machine, Rasa's HTTP API only
with its token (and off unless a token is set)."""
import socket
import subprocess

import pytest
import requests

from tools.servers import Servers

API_PORT = 5108
TOKEN = "a-test-token-not-a-secret"


def _outward_addresses():
    """This machine's addresses other than loopback (`hostname -I`)."""
    found = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return [a for a in found if ":" not in a and not a.startswith("127.")]


def _accepts(host, port) -> bool:
    try:
        with socket.create_connection((host, port), timeout=3):
            return True
    except OSError:
        return False


def test_action_server_listens_on_loopback_only(servers):
    outward = _outward_addresses()
    if not outward:
        pytest.skip("this machine has no address besides loopback")
    assert _accepts("127.0.0.1", servers.action_port)
    assert [a for a in outward if _accepts(a, servers.action_port)] == []
    # the patient-facing Rasa server, by contrast, is meant to be reachable
    assert _accepts(outward[0], servers.rasa_port)


def test_http_api_is_off_without_a_token(servers):
    response = requests.get(f"http://localhost:{servers.rasa_port}/conversations/x/tracker", timeout=10)
    assert response.status_code == 404


@pytest.fixture(scope="module")
def with_api(servers, tmp_path_factory):
    # Shares the session's action server; only a second Rasa server, with the API on.
    rasa = Servers(tmp_path_factory.mktemp("api"), rasa_port=API_PORT,
                   action_port=servers.action_port, api_token=TOKEN)
    try:
        rasa.start_rasa()
        yield rasa
    finally:
        rasa.stop_all()


def test_http_api_refuses_requests_without_its_token(with_api):
    base = f"http://localhost:{with_api.rasa_port}"
    for path in ("/status", "/conversations/x/tracker", "/domain"):
        assert requests.get(base + path, timeout=10).status_code == 401, path
        assert requests.get(base + path, params={"token": "wrong"}, timeout=10).status_code == 401, path
    assert requests.get(base + "/status", params={"token": TOKEN}, timeout=10).status_code == 200
