"""The review app over real HTTP, on a real SQLite file and a real PostgreSQL, with
conversations written through the real redacting tracker store."""
import csv
import io
import json
import re
import subprocess
import time

import pytest
import sqlalchemy as sa

from review import schema
from tests import review_data
from tests.server.review_server import ReviewServer, create_account
from tests.server.throwaway_postgres import throwaway_postgres
from tools.servers import BIN, ROOT

POSTGRES_PORT = 5781
NAME, PASSWORD = "alex", "correct horse battery"
CRISIS_DAY = "2026-03-10"
PAGE_SIZE = 4


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('review')}/conversations.db"
        return
    with throwaway_postgres(POSTGRES_PORT) as postgres:
        yield postgres.url


@pytest.fixture(scope="module")
def review(database, tmp_path_factory):
    store = review_data.store_for(database)
    review_data.write(store)
    review_data.write(store, day=review_data.DAY - 86400 * 5, prefix="old-")
    store.engine.dispose()
    made = create_account(database, NAME, PASSWORD)
    assert made.returncode == 0, made.stderr
    server = ReviewServer(tmp_path_factory.mktemp("review-app"), database,
                          env={"REVIEW_PAGE_SIZE": str(PAGE_SIZE)}).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def staff(review):
    client = review.client()
    assert client.login(NAME, PASSWORD).status_code == 303
    return client


def _audit(review, action):
    engine = sa.create_engine(review.url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.select(schema.audit).where(schema.audit.c.action == action)
                                      .order_by(schema.audit.c.id)).mappings().all()
    finally:
        engine.dispose()


def _listed(response):
    return re.findall(r'class="open" href="/conversation\?id=([^"]+)"', response.text)


ROUTES_GET = ["/", "/?crisis=1", "/conversation?id=crisis-1", "/export?format=csv",
              "/export?format=json&crisis=1"]
ROUTES_POST = ["/logout", "/conversation/tag", "/conversation/untag", "/conversation/note"]


def test_every_route_rejects_an_unauthenticated_request(review):
    audited = {action: len(_audit(review, action)) for action in ("view", "export", "tag", "note")}
    client = review.client()
    for path in ROUTES_GET:
        response = client.get(path)
        assert response.status_code in (303, 401), path
        assert "crisis-1" not in response.text and "Call or text" not in response.text, path
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login"), path
    for path in ROUTES_POST:
        response = client.post(path, {"id": "crisis-1", "tag": "x", "note": "x"}, csrf=False)
        assert response.status_code == 401, path
    # a made-up session cookie is no better
    client.http.cookies.set("review_session", "not-a-session")
    assert client.get("/export?format=csv").status_code == 401
    # nothing was seen, so nothing was logged as seen
    assert {action: len(_audit(review, action)) for action in audited} == audited


def test_login_sets_a_strict_http_only_cookie_and_logout_ends_the_session(review):
    client = review.client()
    assert client.login(NAME, "wrong password!").status_code == 401
    response = client.login(NAME, PASSWORD)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # REVIEW_SECURE_COOKIES=0, as for plain HTTP on loopback
    token = client.http.cookies["review_session"]
    assert client.get("/").status_code == 200
    assert client.post("/logout", {}).status_code == 303
    stale = review.client()
    stale.http.cookies.set("review_session", token)
    assert stale.get("/").status_code == 303
    assert stale.get("/export?format=csv").status_code == 401


def test_login_goes_back_to_the_page_asked_for_and_never_elsewhere(review):
    client = review.client()
    assert client.get("/conversation?id=crisis-1").headers["location"] == "/login?next=%2Fconversation%3Fid%3Dcrisis-1"
    for target, expected in [("/?crisis=1", "/?crisis=1"), ("//evil.example/", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")]:
        response = client.post("/login", {"name": NAME, "password": PASSWORD, "next": target}, csrf=False)
        assert response.headers["location"] == expected, target


def test_a_huge_form_is_refused(staff):
    response = staff.post("/conversation/note", {"id": "crisis-1", "note": "x" * 100_000})
    assert response.status_code == 413
    response = staff.post("/conversation/note", {"id": "crisis-1", "note": "x" * 2001})
    assert response.status_code == 400 and "at most 2000" in response.text


def test_a_session_expires(review, staff):
    assert staff.get("/").status_code == 200
    engine = sa.create_engine(review.url)
    with engine.begin() as connection:  # as if REVIEW_SESSION_MINUTES had passed
        connection.execute(sa.update(schema.sessions).values(expires_at=time.time() - 1))
    engine.dispose()
    assert staff.get("/").status_code == 303
    assert staff.get("/export?format=csv").status_code == 401


def test_forms_need_the_csrf_token_and_our_origin(review, staff):
    assert staff.post("/conversation/tag", {"id": "crisis-1", "tag": "x"}, csrf=False).status_code == 403
    staff.csrf = "forged"
    assert staff.post("/conversation/tag", {"id": "crisis-1", "tag": "x"}, csrf=True).status_code == 403
    staff.get("/")
    response = staff.post("/conversation/tag", {"id": "crisis-1", "tag": "x"},
                          headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    page = staff.get("/conversation?id=crisis-1").text
    assert '<span class="tag">x</span>' not in page


def test_pages_have_a_strict_policy_and_the_storage_banner(staff):
    response = staff.get("/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert 'id="storage"' in response.text and "Could not ask the assistant" in response.text
    assert "<script" not in response.text


@pytest.mark.parametrize("query, expected", [
    ("crisis=1", {"crisis-1", "old-crisis-1"}),
    ("low_confidence=1", {"low-conf", "old-low-conf"}),
    ("action_failure=1", {"failure", "old-failure"}),
    ("unwarned=1", {"unwarned", "old-unwarned"}),
    ("intent=nlu_fallback", {"low-conf", "old-low-conf"}),
    ("action=action_crisis", {"crisis-1", "old-crisis-1"}),
    ("q=SERTRALINE", {"unwarned", "old-unwarned"}),
    (f"crisis=1&date_from={CRISIS_DAY}&date_to={CRISIS_DAY}", {"crisis-1"}),
    ("intent=faq&date_to=2026-03-06", {"old-faq-ok", "old-unwarned", "old-failure"}),
    ("q=nothing%20like%20this", set()),
    ("risk=crisis", {"crisis-1", "old-crisis-1"}),
    ("risk=crisis%3Asuicide&date_from=" + CRISIS_DAY, {"crisis-1"}),
    ("risk=distress", set()),
])
def test_filters(staff, query, expected):
    listed, path = [], "/?" + query
    while path:  # through every page
        response = staff.get(path)
        assert response.status_code == 200
        listed += _listed(response)
        found = re.search(r'id="next" href="([^"]+)"', response.text)
        path = found.group(1).replace("&amp;", "&") if found else None
    assert sorted(listed) == sorted(expected)


def test_the_risk_filter_offers_the_stored_tiers_and_kinds(staff):
    page = staff.get("/?risk=crisis%3Asuicide").text
    options = re.findall(r'<option value="([^"]*)"( selected)?>', page.split('name="risk"', 1)[1].split("</select>")[0])
    assert options == [("", ""), ("crisis", ""), ("crisis:suicide", " selected")]
    assert "risk=crisis%3Asuicide" in page  # the export links keep it


def test_paging_lists_each_conversation_once_newest_first(staff):
    seen, path, pages = [], "/", 0
    while path:
        response = staff.get(path)
        rows = _listed(response)
        assert len(rows) <= PAGE_SIZE
        seen += rows
        pages += 1
        found = re.search(r'id="next" href="([^"]+)"', response.text)
        path = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == len(set(seen)) == 10 and pages == 3
    assert seen[0] == "failure" and seen[-1] == "old-faq-ok"


@pytest.mark.parametrize("path", ["/?date_from=yesterday", "/?crisis=maybe", "/?after=%%%",
                                  "/?date_from=2026-03-10&date_to=2026-03-01", "/export?format=xml",
                                  "/conversation", "/conversation?id=" + "x" * 300, "/?q=" + "a" * 201,
                                  "/?risk=panic", "/export?format=csv&risk=crisis%3Abad-kind"])
def test_bad_input_gets_a_400_not_a_500(staff, path):
    response = staff.get(path)
    assert response.status_code == 400, path
    assert 'id="problem"' in response.text


def test_the_transcript_shows_what_review_needs(review, staff):
    before = len(_audit(review, "view"))
    page = staff.get("/conversation?id=faq-ok").text
    assert "[EMAIL]" in page and "sam@example.org" not in page
    assert "runner-up greet" in page and "0.93" in page
    assert "Topic therapy/cbt" in page and "NICE NG116" in page and "general_information" in page
    assert "without a warning" not in page
    unwarned = staff.get("/conversation?id=unwarned").text
    assert "This answer was sent without a warning or referral." in unwarned
    assert "drug=sertraline" in unwarned
    crisis = staff.get("/conversation?id=crisis-1").text
    assert "[PHONE]" in crisis and "crisis: suicide" in crisis
    assert '<span class="flag flag-crisis">risk crisis: suicide</span>' in crisis
    views = _audit(review, "view")[before:]
    assert [v["sender_id"] for v in views] == ["faq-ok", "unwarned", "crisis-1"]
    assert all(v["staff_id"] for v in views)
    assert staff.get("/conversation?id=nobody").status_code == 404


def test_tags_and_notes_are_stored_filtered_and_audited(review, staff):
    assert staff.post("/conversation/tag", {"id": "low-conf", "tag": "Wrong Answer"}).status_code == 303
    assert staff.post("/conversation/tag", {"id": "low-conf", "tag": "wrong answer"}).status_code == 303
    assert staff.post("/conversation/note", {"id": "low-conf", "note": "<b>check</b> the clarify text"}).status_code == 303
    page = staff.get("/conversation?id=low-conf").text
    assert page.count('<span class="tag">wrong answer</span>') == 1
    assert "&lt;b&gt;check&lt;/b&gt; the clarify text" in page
    assert _listed(staff.get("/?tag=wrong%20answer")) == ["low-conf"]
    tags = [(r["sender_id"], json.loads(r["detail"])) for r in _audit(review, "tag")]
    assert ("low-conf", {"tag": "wrong answer"}) in tags
    assert staff.post("/conversation/tag", {"id": "nobody", "tag": "x"}).status_code == 404
    assert staff.post("/conversation/tag", {"id": "low-conf", "tag": ""}).status_code == 400
    assert staff.post("/conversation/untag", {"id": "low-conf", "tag": "Wrong Answer"}).status_code == 303
    assert _listed(staff.get("/?tag=wrong%20answer")) == []


def test_page_export_follows_the_filters_and_is_audited(review, staff):
    response = staff.get("/export?format=csv&crisis=1")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["sender_id"] for r in rows] == ["crisis-1", "old-crisis-1"]
    assert rows[0]["intents"] == "crisis" and rows[0]["actions"] == "action_crisis"
    exported = staff.get("/export?format=json&low_confidence=1&date_from=" + CRISIS_DAY).json()
    assert [c["sender_id"] for c in exported["conversations"]] == ["low-conf"]
    turn = exported["conversations"][0]["transcript"][0]
    assert turn["user"]["intent"] == "nlu_fallback" and turn["replies"][0]["fallback"] == "low_intent_confidence"
    last = _audit(review, "export")[-1]
    assert last["staff_id"] and json.loads(last["detail"])["low_confidence"] == "1"
    rows = list(csv.DictReader(io.StringIO(staff.get("/export?format=csv&risk=crisis%3Asuicide").text)))
    assert [(r["sender_id"], r["risk"]) for r in rows] == [("crisis-1", "crisis crisis:suicide"),
                                                          ("old-crisis-1", "crisis crisis:suicide")]
    assert json.loads(_audit(review, "export")[-1]["detail"])["risk"] == "crisis:suicide"


def test_the_cli_exports_what_the_page_exports(review, staff):
    page = staff.get("/export?format=csv&intent=faq&date_from=" + CRISIS_DAY).text
    cli = subprocess.run([str(BIN / "python"), "-m", "review.export", "--url", review.url, "--format", "csv",
                          "--intent", "faq", "--date-from", CRISIS_DAY],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert cli.returncode == 0, cli.stderr
    ids = lambda text: [r["sender_id"] for r in csv.DictReader(io.StringIO(text))]
    assert ids(cli.stdout) == ids(page) == ["failure", "unwarned", "faq-ok"]
    assert json.loads(_audit(review, "export")[-1]["detail"])["via"] == "cli"


def test_failed_logins_are_slowed(review):
    made = create_account(review.url, "sam", PASSWORD)
    assert made.returncode == 0, made.stderr
    client = review.client()
    statuses = [client.login("sam", "not the password").status_code for _ in range(2)]
    assert statuses == [401, 401]
    # now even the right password waits, for longer after each failure
    response = client.login("sam", PASSWORD)
    assert response.status_code == 429 and "Try again in 1 second." in response.text
    time.sleep(1.2)
    assert client.login("sam", "not the password").status_code == 401
    assert "Try again in 2 seconds." in client.login("sam", PASSWORD).text
    time.sleep(2.2)
    assert client.login("sam", PASSWORD).status_code == 303
    assert client.get("/").status_code == 200


def test_the_audit_log_refuses_changes_on_this_database(review, staff):
    staff.get("/")
    engine = sa.create_engine(review.url)
    try:
        for statement in (sa.update(schema.audit).values(action="changed"), sa.delete(schema.audit)):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                with engine.begin() as connection:
                    connection.execute(statement)
    finally:
        engine.dispose()
    assert _audit(review, "login")


def test_the_session_cookie_is_secure_unless_turned_off(review, database, tmp_path):
    # Secure by default: a deployment that forgets the variable still keeps the cookie off
    # plain HTTP
    server = ReviewServer(tmp_path, database, port=5789, env={"REVIEW_SECURE_COOKIES": None}).start()
    try:
        response = server.client().login(NAME, PASSWORD)
        assert response.status_code == 303
        assert "Secure" in response.headers["set-cookie"]
    finally:
        server.stop()
