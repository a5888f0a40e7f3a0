"""The login back-off counts each staff member's own address behind a trusted proxy, and
ignores X-Forwarded-For when no proxy is trusted (anyone can send the header)."""
import pytest

from tests.server.review_server import ReviewServer, create_account

PASSWORD = "a long enough password"


@pytest.fixture(scope="module", params=[0, 1], ids=["no proxy trusted", "one proxy trusted"])
def review(request, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('proxy')}/conversations.db"
    made = create_account(url, "kim", PASSWORD)
    assert made.returncode == 0, made.stderr
    server = ReviewServer(tmp_path_factory.mktemp("proxy-app"), url, port=5786 + request.param,
                          env={"REVIEW_PROXIES_COUNT": str(request.param)}).start()
    try:
        yield server, request.param
    finally:
        server.stop()


def test_one_staff_members_failures_hold_up_another_only_at_the_same_address(review):
    server, trusted = review
    guesser, colleague = server.client(), server.client()
    guesser.http.headers["X-Forwarded-For"] = "203.0.113.7"
    colleague.http.headers["X-Forwarded-For"] = "198.51.100.20"
    assert [guesser.login("nobody", "wrong").status_code for _ in range(2)] == [401, 401]
    # behind a trusted proxy the colleague's own address counts; with none trusted the
    # header is ignored and both share the peer address, so the colleague waits
    assert colleague.login("kim", PASSWORD).status_code == (303 if trusted else 429)
