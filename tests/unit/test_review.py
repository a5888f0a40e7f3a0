"""The review package on a real SQLite file, with conversations written through the real
redacting tracker store: the per-conversation summary, filters, accounts, back-off, export."""
import csv
import io
import json
import time

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from review import accounts, schema, sessions
from review.export import neutralise, to_csv, to_json
from review.filters import Filters, FilterError, decode_cursor, encode_cursor, page
from transcripts.summary import catch_up
from tests import review_data
from tools.retention import delete_old_conversations


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path}/conversations.db"


@pytest.fixture
def engine(url):
    store = review_data.store_for(url)
    review_data.write(store)
    store.engine.dispose()
    engine = schema.engine_for(url)
    schema.create(engine)  # as the staff app does at start
    yield engine
    engine.dispose()


def _summaries(engine):
    with engine.connect() as connection:
        return {r["sender_id"]: dict(r) for r in connection.execute(sa.select(schema.conversations)).mappings()}


FLAGS = ("crisis", "low_confidence", "action_failure", "unwarned")


def test_the_store_keeps_one_summary_per_conversation(engine):
    rows = _summaries(engine)
    flagged = {name: sorted(s for s, r in rows.items() if r[name]) for name in FLAGS}
    assert flagged == {"crisis": ["crisis-1"], "low_confidence": ["low-conf"],
                       "action_failure": ["failure"], "unwarned": ["unwarned"]}
    assert rows["faq-ok"]["turns"] == 2 and rows["faq-ok"]["min_confidence"] == 0.88
    assert rows["faq-ok"]["channel"] == "rest"
    assert "[email]" in rows["faq-ok"]["user_text"] and "sam@" not in rows["faq-ok"]["user_text"]
    assert rows["faq-ok"]["last_at"] - rows["faq-ok"]["started_at"] == 120


def test_catch_up_rebuilds_what_the_store_did_not_summarise(engine, url):
    before = _summaries(engine)
    with engine.begin() as connection:
        connection.execute(sa.delete(schema.conversations))
        connection.execute(sa.delete(schema.labels))
    # and a conversation stored by Rasa's plain SQL store, which knows nothing of review
    plain = SQLTrackerStore(domain=Domain.empty(), host=url)
    tracker = DialogueStateTracker.from_events("plain", [
        UserUttered("hello", intent={"name": "greet", "confidence": 0.2}, input_channel="rest",
                    parse_data={"intent": {"name": "greet", "confidence": 0.2}})])
    import asyncio
    asyncio.run(plain.save(tracker))
    plain.engine.dispose()
    assert catch_up(engine) == 6
    after = _summaries(engine)
    assert {k: v for k, v in after.items() if k != "plain"} == before
    assert after["plain"]["low_confidence"] and after["plain"]["turns"] == 1
    assert catch_up(engine) == 0  # nothing left behind


def test_filters_and_keyset_pages(engine):
    with engine.connect() as connection:
        first, cursor = page(connection, Filters(), size=2)
        second, cursor2 = page(connection, Filters(), after=decode_cursor(cursor), size=2)
        third, cursor3 = page(connection, Filters(), after=decode_cursor(cursor2), size=2)
        assert [r["sender_id"] for r in first + second + third] == [
            "failure", "unwarned", "low-conf", "crisis-1", "faq-ok"]
        assert cursor3 is None
        crisis, _ = page(connection, Filters.parse({"crisis": "1"}))
        assert [r["sender_id"] for r in crisis] == ["crisis-1"]
        percent, _ = page(connection, Filters(q="%"))
        assert percent == []  # the search is for the text, not a LIKE pattern


@pytest.mark.parametrize("values, message", [
    ({"date_from": "10/03/2026"}, "date_from"),
    ({"crisis": "yes please"}, "crisis"),
    ({"date_from": "2026-03-11", "date_to": "2026-03-10"}, "after"),
    ({"q": "x" * 201}, "q"),
])
def test_bad_filters_are_refused_plainly(values, message):
    with pytest.raises(FilterError, match=message):
        Filters.parse(values)


def test_cursors_round_trip_and_refuse_junk():
    assert decode_cursor(encode_cursor(1773144000.5, "a|b")) == (1773144000.5, "a|b")
    with pytest.raises(FilterError):
        decode_cursor("not a cursor")


def test_accounts_hash_with_argon2(engine):
    with engine.begin() as connection:
        staff_id = accounts.create(connection, "alex", "correct horse battery")
        stored = connection.execute(sa.select(schema.staff.c.password_hash)).scalar()
        assert stored.startswith("$argon2id$") and "correct horse" not in stored
        assert accounts.verify(connection, "alex", "correct horse battery") == staff_id
        assert accounts.verify(connection, "alex", "correct horse batterY") is None
        assert accounts.verify(connection, "nobody", "correct horse battery") is None
        with pytest.raises(accounts.AccountError, match="already"):
            accounts.create(connection, "alex", "another long password")
        with pytest.raises(accounts.AccountError, match="12 characters"):
            accounts.create(connection, "sam", "short")
        with pytest.raises(accounts.AccountError, match="name"):
            accounts.create(connection, "sam <script>", "a long enough password")


def test_a_disabled_account_cannot_log_in_and_loses_its_sessions(engine):
    with engine.begin() as connection:
        staff_id = accounts.create(connection, "robin", "a long enough password")
        token = sessions.start(connection, staff_id)
        accounts.disable(connection, "robin")
        assert accounts.verify(connection, "robin", "a long enough password") is None
        assert sessions.find(connection, token) is None
        accounts.enable(connection, "robin")
        assert accounts.verify(connection, "robin", "a long enough password") == staff_id
        with pytest.raises(accounts.AccountError, match="no account"):
            accounts.disable(connection, "nobody")


def test_a_new_password_replaces_the_old_and_ends_the_sessions(engine):
    with engine.begin() as connection:
        staff_id = accounts.create(connection, "lee", "the first long password")
        token = sessions.start(connection, staff_id)
        accounts.set_password(connection, "lee", "the second long password")
        assert accounts.verify(connection, "lee", "the first long password") is None
        assert accounts.verify(connection, "lee", "the second long password") == staff_id
        assert sessions.find(connection, token) is None
        with pytest.raises(accounts.AccountError, match="12 characters"):
            accounts.set_password(connection, "lee", "short")


def test_the_accounts_command_disables_enables_and_lists(url):
    assert accounts.main(["--url", url, "disable", "nobody"]) == 2
    engine = schema.engine_for(url)
    schema.create(engine)
    with engine.begin() as connection:
        accounts.create(connection, "jo", "a long enough password")
    engine.dispose()
    assert accounts.main(["--url", url, "disable", "jo"]) == 0
    engine = schema.engine_for(url)
    with engine.connect() as connection:
        assert accounts.verify(connection, "jo", "a long enough password") is None
    engine.dispose()
    assert accounts.main(["--url", url, "enable", "jo"]) == 0


def test_failed_logins_wait_longer_each_time(engine):
    with engine.begin() as connection:
        waits = []
        for _ in range(6):
            sessions.failed(connection, "alex", "10.0.0.1")
            waits.append(sessions.wait_seconds(connection, "alex", "10.0.0.1"))
        assert waits == [0, 1, 2, 4, 8, 16]
        # another address trying the same account waits too
        assert sessions.wait_seconds(connection, "ALEX", "10.0.0.2") == 16
        assert sessions.wait_seconds(connection, "alex", "10.0.0.1", now=time.time() + 17) == 0
        sessions.succeeded(connection, "alex", "10.0.0.1")
        assert sessions.wait_seconds(connection, "alex", "10.0.0.1") == 0


def test_exports_share_the_filters(engine):
    with engine.connect() as connection:
        rows = list(csv.DictReader(io.StringIO(to_csv(connection, Filters(low_confidence=True)))))
        assert [r["sender_id"] for r in rows] == ["low-conf"]
        assert rows[0]["intents"] == "nlu_fallback" and rows[0]["low_confidence"] == "True"
        exported = json.loads(to_json(connection, Filters(unwarned=True)))
        turn = exported["conversations"][0]["transcript"][0]
        assert turn["unwarned"] and turn["replies"][0]["topic"] == "medication/ssri"
        assert exported["filters"] == {"unwarned": "1"}


def test_csv_cells_cannot_become_formulas(url):
    store = review_data.store_for(url)
    import asyncio
    asyncio.run(store.save(DialogueStateTracker.from_events("=HYPERLINK(1)", [
        UserUttered("hi", parse_data={"intent": {"name": "greet", "confidence": 0.9}}),
        BotUttered("hello")])))
    schema.create(store.engine)  # as the staff app does at start
    with store.engine.connect() as connection:
        text = to_csv(connection, Filters())
    store.engine.dispose()
    assert "'=HYPERLINK(1)" in text
    # empty cells stay empty (a quote was written into every one)
    assert ",'," not in text and not text.rstrip().endswith("'")


@pytest.mark.parametrize("value, cell", [("=1+1", "'=1+1"), ("\t=1+1", "'\t=1+1"), ("\r@x", "'\r@x"),
                                         ("-3", "'-3"), ("", ""), ("plain", "plain"), (None, None)])
def test_a_cell_is_neutralised_only_where_a_spreadsheet_would_run_it(value, cell):
    assert neutralise(value) == cell


def test_retention_deletes_the_review_rows_with_the_conversation(engine, url):
    with engine.begin() as connection:
        connection.execute(sa.insert(schema.tags).values(sender_id="crisis-1", tag="reviewed",
                                                         staff_id=1, created_at=0))
        connection.execute(sa.insert(schema.notes).values(sender_id="crisis-1", staff_id=1,
                                                          text="called back", created_at=0))
    delete_old_conversations(url, days=30, now=review_data.DAY + 40 * 86400)
    with engine.connect() as connection:
        for table in schema.PER_CONVERSATION:
            assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0, table.name


def test_transcript_reads_as_staff_need_it():
    from review.transcript import turns
    events = [
        {"event": "action", "name": "action_session_start", "timestamp": 1.0},
        {"event": "session_started", "timestamp": 1.0},
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "user", "text": "are opioids a treatment for ptsd?", "timestamp": 2.0,
         "parse_data": {"intent": {"name": "faq", "confidence": 1.0}, "intent_ranking": []}},
        {"event": "action", "name": "action_answer_faq", "timestamp": 2.1},
        {"event": "bot", "text": "answer", "timestamp": 2.2,
         "metadata": {"part": "answer", "review": {"topic": "t", "citation": ["P1", "safety-facts 1"],
                                                  "warnings": ["w"]}}},
        {"event": "bot", "text": "warning", "timestamp": 2.3, "metadata": {"part": "warning", "warning_id": "w"}},
        {"event": "bot", "text": "referral", "timestamp": 2.4, "metadata": {"part": "referral"}},
    ]
    shown = turns(events)
    assert [t["user"]["text"] for t in shown] == ["are opioids a treatment for ptsd?"]
    assert shown[0]["replies"][0]["citation"] == "P1, safety-facts 1"


def test_a_safety_note_row_shows_every_warning_it_holds():
    from review.transcript import turns
    note = {"part": "warning", "warning_id": "opioid_mixing", "warning_ids": ["opioid_mixing", "substance_use"]}
    old = {"part": "warning", "warning_id": "w"}  # stored when each warning was a reply of its own
    events = [{"event": "bot", "text": "Safety note: ...", "metadata": note},
              {"event": "bot", "text": "warning", "metadata": old}]
    assert [r["warnings"] for r in turns(events)[0]["replies"]] == [["opioid_mixing", "substance_use"], ["w"]]


# --- risk tier and kinds (the pipeline's `risk` entry) ---------------------------------

@pytest.fixture
def risk_engine(url):
    store = review_data.store_for(url)
    review_data.write(store)
    review_data.write(store, which=review_data.risk_conversations)
    store.engine.dispose()
    engine = schema.engine_for(url)
    schema.create(engine)  # as the staff app does at start
    yield engine
    engine.dispose()


def _labels(engine, kind="risk"):
    found = {}
    with engine.connect() as connection:
        for sender, name in connection.execute(sa.select(schema.labels.c.sender_id, schema.labels.c.name)
                                               .where(schema.labels.c.kind == kind)):
            found.setdefault(sender, set()).add(name)
    return found


RISK_LABELS = {
    "crisis-1": {"crisis", "crisis:suicide"},
    "distress-1": {"distress", "distress:burden", "distress:hopelessness"},
    # the kinds that are not [a-z_] of at most 32 characters are left out
    "distress-other": {"distress", "distress:isolation", "about_other"},
    "overdose-other": {"crisis", "crisis:overdose_now", "about_other"},
}


def test_risk_is_recorded_and_distress_is_not_a_crisis(risk_engine):
    rows = _summaries(risk_engine)
    # distress, and the assistant's check-in marked {"distress": true}, flag no crisis
    assert sorted(s for s, r in rows.items() if r["crisis"]) == ["crisis-1", "overdose-other"]
    assert _labels(risk_engine) == RISK_LABELS
    # the second save read the risk labels back as risk, not as actions: had it not,
    # it would have inserted them again and the duplicate would have undone its summary
    assert rows["distress-1"]["turns"] == 3 and rows["distress-other"]["turns"] == 2
    assert "distress" not in _labels(risk_engine, "action").get("distress-1", set())


def test_catch_up_rebuilds_the_risk_labels(risk_engine):
    with risk_engine.begin() as connection:
        connection.execute(sa.delete(schema.conversations))
        connection.execute(sa.delete(schema.labels))
    assert catch_up(risk_engine) == 8
    assert _labels(risk_engine) == RISK_LABELS
    assert not _summaries(risk_engine)["distress-1"]["crisis"]


@pytest.mark.parametrize("values, expected", [
    ({"risk": "crisis"}, ["overdose-other", "crisis-1"]),
    ({"risk": "distress"}, ["distress-other", "distress-1"]),
    ({"risk": "crisis:overdose_now"}, ["overdose-other"]),
    ({"risk": "distress:burden"}, ["distress-1"]),
    ({"risk": "about_other"}, ["overdose-other", "distress-other"]),
    ({"risk": " Distress:Isolation "}, ["distress-other"]),
    ({"risk": "distress:suicide"}, []),
    ({"risk": "about_other", "crisis": "1"}, ["overdose-other"]),
    ({"risk": ""}, ["overdose-other", "distress-other", "distress-1", "failure", "unwarned",
                    "low-conf", "crisis-1", "faq-ok"]),
])
def test_filter_by_risk(risk_engine, values, expected):
    with risk_engine.connect() as connection:
        rows, _ = page(connection, Filters.parse(values))
    assert [r["sender_id"] for r in rows] == expected


@pytest.mark.parametrize("value", ["panic", "none", "crisis:", "crisis:over-dose", "crisis:" + "x" * 33,
                                   "about_other:x", "crisis:a:b", "distress:burden' or 1=1", "intent"])
def test_a_bad_risk_filter_is_refused_plainly(value):
    with pytest.raises(FilterError, match="^risk: use crisis, distress"):
        Filters.parse({"risk": value})


def test_exports_honour_the_risk_filter(risk_engine, url, capsys):
    from review import export
    with risk_engine.connect() as connection:
        rows = list(csv.DictReader(io.StringIO(to_csv(connection, Filters.parse({"risk": "about_other"})))))
        exported = json.loads(to_json(connection, Filters.parse({"risk": "distress:burden"})))
    assert [r["sender_id"] for r in rows] == ["overdose-other", "distress-other"]
    assert rows[0]["risk"] == "about_other crisis crisis:overdose_now" and rows[0]["crisis"] == "True"
    assert exported["filters"] == {"risk": "distress:burden"}
    [conversation] = exported["conversations"]
    assert conversation["sender_id"] == "distress-1"
    assert [t["user"]["risk"] for t in conversation["transcript"]] == [
        {"tier": "distress", "kinds": ["burden"], "about_other": False},
        {"tier": "distress", "kinds": ["hopelessness"], "about_other": False}, None]

    assert export.main(["--url", url, "--format", "csv", "--risk", "crisis:overdose_now"]) == 0
    assert [r["sender_id"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))] == ["overdose-other"]
    with pytest.raises(SystemExit) as exited:
        export.main(["--url", url, "--risk", "overdose_now"])
    assert exited.value.code == 2 and "risk: use crisis" in capsys.readouterr().err


def test_risk_options_come_from_the_stored_labels(risk_engine):
    from transcripts.risk_labels import options
    with risk_engine.connect() as connection:
        assert options(connection) == [
            ("crisis", "crisis, any kind"), ("crisis:overdose_now", "crisis: overdose now"),
            ("crisis:suicide", "crisis: suicide"), ("distress", "distress, any kind"),
            ("distress:burden", "distress: burden"), ("distress:hopelessness", "distress: hopelessness"),
            ("distress:isolation", "distress: isolation"), ("about_other", "about someone else")]
        # a value asked for that nothing has yet stays selectable
        assert ("distress:grief", "distress: grief") in options(connection, "distress:grief")


def test_the_pages_show_and_keep_the_risk(risk_engine):
    from review import records
    from review.app import TEMPLATES
    from transcripts.risk_labels import options
    from review.transcript import load_events, turns
    filters = Filters.parse({"risk": "distress:isolation"})
    with risk_engine.connect() as connection:
        listed = TEMPLATES.get_template("list.html").render(
            session=None, banner=None, rows=[], filters=filters, query=filters.as_query(), cursor=None,
            first_page=True, suggested=(), risk_options=options(connection, filters.risk))
        shown = turns(load_events(connection, "distress-other"))
        summary = records.summary(connection, "distress-other")
    assert '<label>Risk <select name="risk" id="risk">' in listed
    assert '<option value="distress:isolation" selected>distress: isolation</option>' in listed
    assert "risk=distress%3Aisolation" in listed  # the export links keep the filter
    transcript = TEMPLATES.get_template("conversation.html").render(
        session={"csrf_token": "t", "name": "alex"}, banner=None, sender="distress-other", summary=summary,
        turns=shown, tags=[], notes=[], suggested=[])
    assert ('<span class="flag flag-distress">risk distress: isolation</span>'
            ' <span class="flag">about someone else</span>') in transcript
    assert transcript.count("risk distress") == 1  # the "ok" turn, tier "none", shows no risk
    assert "flag-crisis" not in transcript


@pytest.mark.parametrize("channel, stored", [
    ({}, None), ({"a": 1}, None), (["rest"], None), ("rest", "rest"), ("c" * 64, "c" * 64), ("c" * 65, None),
    ("<b>rest</b>", None),
])
def test_only_a_channel_name_is_summarised(channel, stored):
    # rows stored before the store cleaned the channel name may hold anything
    from transcripts.summary import Summary

    summary = Summary()
    summary.add([(1, {"event": "user", "timestamp": 1.0, "text": "hi", "input_channel": channel,
                      "parse_data": {"intent": {"name": "greet", "confidence": 0.9}}})])
    assert summary.row()["channel"] == stored


def test_the_audit_log_can_only_grow(engine):
    from review import audit

    with engine.begin() as connection:
        audit.write(connection, None, "login_failed", detail={"name": "x"})
    for statement in (sa.update(schema.audit).values(action="changed"), sa.delete(schema.audit)):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(statement)
    with engine.connect() as connection:
        assert connection.execute(sa.select(schema.audit.c.action)).scalars().all() == ["login_failed"]


# --- a conversation whose summary cannot be written (issue 16) --------------------------

@pytest.fixture
def bad_data(engine, url):
    """A crisis conversation whose summary cannot be written: its user event's text is an
    object (Rasa's HTTP API stores the events it is given as they are)."""
    import asyncio
    store = review_data.store_for(url)
    at = review_data.DAY + 10 * 3600
    asyncio.run(store.save(DialogueStateTracker.from_events("bad-data", [
        UserUttered({"said": "i want to die"}, parse_data={"intent": {"name": "crisis", "confidence": 1.0}},
                    timestamp=at),
        SlotSet("crisis_flag", True, timestamp=at)])))
    store.engine.dispose()
    return "bad-data"


def test_a_conversation_whose_summary_fails_is_listed_flagged(engine, bad_data):
    from review import records
    from review.app import TEMPLATES
    with engine.connect() as connection:
        rows, _ = page(connection, Filters())
        crisis, _ = page(connection, Filters(crisis=True))
        summary = records.summary(connection, bad_data)
    flagged = [r["sender_id"] for r in rows if r["summary_failed"]]
    assert flagged == [bad_data] and rows[0]["started_at"] == review_data.DAY + 10 * 3600
    # its crisis flag is unknown: the crisis filter shows it rather than hide a crisis
    assert [r["sender_id"] for r in crisis] == [bad_data, "crisis-1"]
    listed = TEMPLATES.get_template("list.html").render(
        session=None, banner=None, rows=rows, filters=Filters(), query={}, cursor=None,
        first_page=True, suggested=(), risk_options=[])
    assert listed.count("summary failed") == 1
    shown = TEMPLATES.get_template("conversation.html").render(
        session={"csrf_token": "t", "name": "alex"}, banner=None, sender=bad_data, summary=summary,
        turns=[], tags=[], notes=[], suggested=[])
    assert "summary failed" in shown


def test_the_catch_up_skips_a_conversation_it_cannot_summarise_and_the_pages_start(engine, url, bad_data, caplog):
    from review.app import create_app
    with engine.begin() as connection:  # and one it can, left behind
        for table in (schema.conversations, schema.labels):
            connection.execute(sa.delete(table).where(table.c.sender_id == "faq-ok"))
    create_app(url, name="review_bad_data").ctx.engine.dispose()
    assert "Could not update the review summary of bad-data" in caplog.text
    assert _summaries(engine)["faq-ok"]["turns"] == 2
    # retried each time, and still listed, flagged
    assert catch_up(engine) == 0
    with engine.connect() as connection:
        assert [r["sender_id"] for r in page(connection, Filters())[0] if r["summary_failed"]] == [bad_data]


def test_the_export_works_and_shows_the_flag(url, bad_data, capsys):
    from review import export
    assert export.main(["--url", url, "--format", "csv"]) == 0
    rows = {r["sender_id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows[bad_data]["summary_failed"] == "True" and rows["faq-ok"]["summary_failed"] == "False"
    assert export.main(["--url", url, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["conversations"][0]["sender_id"] == bad_data
