"""The review pages: a Sanic app of its own, on 127.0.0.1 only (python -m review).

Every route but /login, the style sheet and the (empty) favicon needs a logged-in staff member; every POST
needs the session's CSRF token and, if the browser sends one, our own Origin. Pages are
plain server-rendered HTML with a strict Content-Security-Policy and nothing external.

Database calls are synchronous: a handful of staff use these pages, and each query is
indexed (review.schema), so they return in milliseconds.
"""
import datetime as dt
import functools
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

import jinja2
from sanic import Sanic, response
from sanic.exceptions import NotFound, MethodNotSupported

from review import accounts, audit, records, schema, sessions, settings, storage_banner
from review.export import render as render_export
from review.filters import FilterError, Filters, decode_cursor, page
from transcripts import risk_labels as risk
from transcripts.summary import catch_up
from review.transcript import load_events, turns

HERE = Path(__file__).resolve().parent
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
SUGGESTED_TAGS = ("reviewed", "needs follow-up", "wrong answer")
MAX_TAG, MAX_NOTE, MAX_SENDER = 64, 2000, 255
# The page exports at most this many; the CLI (python -m review.export) has no limit.
PAGE_EXPORT_LIMIT = 5000


def _when(timestamp):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(timestamp)) if timestamp else ""


TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                               autoescape=True, undefined=jinja2.StrictUndefined)
TEMPLATES.filters["when"] = _when
TEMPLATES.filters["query"] = lambda values: urlencode(values)


class BadRequest(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def create_app(url: str = None, name: str = "review") -> Sanic:
    app = Sanic(name)
    # forms here are a tag or a note: refuse anything bigger before reading it
    app.config.REQUEST_MAX_SIZE = 64 * 1024
    app.config.PROXIES_COUNT = settings.proxies_count()
    app.ctx.engine = schema.engine_for(url or settings.database_url())
    schema.create(app.ctx.engine)
    catch_up(app.ctx.engine)

    @app.after_server_start
    async def keep_caught_up(app, loop):
        app.add_task(_catch_up_every(app, loop))

    def page_response(template, status=200, **values):
        html = TEMPLATES.get_template(template).render(**values)
        return response.html(html, status=status)

    def error(message, status):
        return page_response("error.html", status=status, message=message, session=None)

    @app.middleware("response")
    async def headers(request, resp):
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        # not no-referrer: with it Chromium sends "Origin: null" on our own forms
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers["Cache-Control"] = "no-store"

    @app.exception(NotFound, MethodNotSupported)
    async def not_found(request, exception):
        return error("There is no such page.", 404 if isinstance(exception, NotFound) else 405)

    @app.exception(BadRequest)
    async def bad_request(request, exception):
        return error(str(exception), exception.status)

    @app.exception(FilterError)
    async def bad_filter(request, exception):
        return error(str(exception), 400)

    def same_origin(request) -> bool:
        origin = request.headers.get("origin")
        return origin is None or urlparse(origin).netloc == request.host

    def staff_only(handler):
        @functools.wraps(handler)
        async def wrapped(request, *args, **kwargs):
            with app.ctx.engine.begin() as connection:
                session = sessions.find(connection, request.cookies.get(sessions.COOKIE))
            if session is None:
                if request.method == "GET" and not request.path.startswith("/export"):
                    asked = request.path + ("?" + request.query_string if request.query_string else "")
                    return response.redirect("/login?" + urlencode({"next": asked}), status=303)
                return error("Please log in.", 401)
            if request.method == "POST" and (
                    not same_origin(request) or not sessions.csrf_ok(session, request.form.get("csrf"))):
                return error("This form has expired. Go back, reload the page and try again.", 403)
            request.ctx.session = session
            return await handler(request, *args, **kwargs)
        return wrapped

    def form_value(request, name, limit):
        value = (request.form.get(name) or "").strip()
        if not value:
            raise BadRequest(f"{name}: required")
        if len(value) > limit:
            raise BadRequest(f"{name}: at most {limit} characters")
        return value

    def tag_value(request):
        # Tags are kept lower-cased, as the tag filter compares them.
        return form_value(request, "tag", MAX_TAG).lower()

    def sender_arg(value):
        if not value or len(value) > MAX_SENDER:
            raise BadRequest("id: not a conversation id")
        return value

    @app.get("/review.css")
    async def stylesheet(request):
        return await response.file(HERE / "templates" / "review.css", mime_type="text/css")

    @app.get("/favicon.ico")
    async def favicon(request):  # nothing, rather than a 404 on every page in the browser
        return response.empty()

    @app.get("/login")
    async def login_page(request):
        return page_response("login.html", session=None, message="", next=_safe_next(request.args.get("next")))

    @app.post("/login")
    async def login(request):
        if not same_origin(request):
            return error("Log in from the review pages.", 403)
        name = (request.form.get("name") or "").strip()[:64]
        password = request.form.get("password") or ""
        # the client named by the trusted proxies (settings.proxies_count), else the peer
        ip = request.remote_addr or request.ip or "unknown"
        target = _safe_next(request.form.get("next"))
        with app.ctx.engine.begin() as connection:
            wait = sessions.wait_seconds(connection, name, ip)
            if wait:
                return page_response("login.html", status=429, session=None, next=target,
                                     message=f"Too many failed logins. Try again in {wait} "
                                             f"second{'' if wait == 1 else 's'}.")
            staff_id = accounts.verify(connection, name, password) if name and password else None
            if staff_id is None:
                sessions.failed(connection, name, ip)
                audit.write(connection, None, "login_failed", detail={"name": name})
                return page_response("login.html", status=401, session=None, next=target,
                                     message="Wrong name or password.")
            sessions.succeeded(connection, name, ip)
            token = sessions.start(connection, staff_id)
            audit.write(connection, staff_id, "login")
        resp = response.redirect(target, status=303)
        cookie_flags(resp, token)
        return resp

    def cookie_flags(resp, token):
        resp.cookies[sessions.COOKIE] = token
        cookie = resp.cookies[sessions.COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/"
        if settings.secure_cookies():
            cookie["secure"] = True

    @app.post("/logout")
    @staff_only
    async def logout(request):
        with app.ctx.engine.begin() as connection:
            sessions.end(connection, request.ctx.session)
            audit.write(connection, request.ctx.session.staff_id, "logout")
        resp = response.redirect("/login", status=303)
        del resp.cookies[sessions.COOKIE]
        return resp

    @app.get("/")
    @staff_only
    async def conversation_list(request):
        filters = Filters.parse({k: request.args.get(k) for k in request.args})
        after = decode_cursor(request.args.get("after") or "")
        with app.ctx.engine.connect() as connection:
            rows, cursor = page(connection, filters, after, settings.page_size())
            risk_options = risk.options(connection, filters.risk)
        return page_response(
            "list.html", session=request.ctx.session, banner=await storage_banner.status(),
            rows=rows, filters=filters, query=filters.as_query(), cursor=cursor,
            first_page=after is None, suggested=SUGGESTED_TAGS, risk_options=risk_options)

    @app.get("/conversation")
    @staff_only
    async def conversation(request):
        sender = sender_arg(request.args.get("id"))
        with app.ctx.engine.begin() as connection:
            summary = records.summary(connection, sender)
            if summary is None:
                raise BadRequest("There is no such conversation.", 404)
            events = load_events(connection, sender)
            tags = records.tags(connection, sender)
            notes = records.notes(connection, sender)
            audit.write(connection, request.ctx.session.staff_id, "view", sender)
        return page_response(
            "conversation.html", session=request.ctx.session, banner=await storage_banner.status(),
            sender=sender, summary=summary, turns=turns(events), tags=tags, notes=notes,
            suggested=[t for t in SUGGESTED_TAGS if t not in tags])

    def back_to(sender):
        return response.redirect("/conversation?" + urlencode({"id": sender}), status=303)

    def existing(connection, sender):
        if not records.exists(connection, sender):
            raise BadRequest("There is no such conversation.", 404)

    @app.post("/conversation/tag")
    @staff_only
    async def tag(request):
        sender = sender_arg(request.form.get("id"))
        tag_text = tag_value(request)
        with app.ctx.engine.begin() as connection:
            existing(connection, sender)
            records.add_tag(connection, sender, tag_text, request.ctx.session.staff_id)
            audit.write(connection, request.ctx.session.staff_id, "tag", sender, {"tag": tag_text})
        return back_to(sender)

    @app.post("/conversation/untag")
    @staff_only
    async def untag(request):
        sender = sender_arg(request.form.get("id"))
        tag_text = tag_value(request)
        with app.ctx.engine.begin() as connection:
            existing(connection, sender)
            records.remove_tag(connection, sender, tag_text)
            audit.write(connection, request.ctx.session.staff_id, "untag", sender, {"tag": tag_text})
        return back_to(sender)

    @app.post("/conversation/note")
    @staff_only
    async def note(request):
        sender = sender_arg(request.form.get("id"))
        text = form_value(request, "note", MAX_NOTE)
        with app.ctx.engine.begin() as connection:
            existing(connection, sender)
            records.add_note(connection, sender, text, request.ctx.session.staff_id)
            audit.write(connection, request.ctx.session.staff_id, "note", sender)
        return back_to(sender)

    @app.get("/export")
    @staff_only
    async def export(request):
        fmt = request.args.get("format") or ""
        filters = Filters.parse({k: request.args.get(k) for k in request.args})
        with app.ctx.engine.begin() as connection:
            body = render_export(connection, filters, fmt, PAGE_EXPORT_LIMIT)
            audit.write(connection, request.ctx.session.staff_id, "export",
                        detail={"via": "page", "format": fmt, **filters.as_query()})
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
        return response.text(body, content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/json",
                             headers={"Content-Disposition": f'attachment; filename="conversations-{stamp}.{fmt}"'})

    return app


# The tracker store updates the summary on each save; this picks up what it could not
# (a summary write that failed, or a Rasa server without the redacting store).
CATCH_UP_SECONDS = 600


async def _catch_up_every(app, loop):
    import asyncio
    import logging
    while True:
        await asyncio.sleep(CATCH_UP_SECONDS)
        try:
            await loop.run_in_executor(None, catch_up, app.ctx.engine)
        except Exception as error:
            logging.getLogger(__name__).error("Could not update the summaries (%s)", type(error).__name__)


def _safe_next(value) -> str:
    # only a path on this site: never an open redirect to somewhere else
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
