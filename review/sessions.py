"""Login sessions, CSRF tokens and the back-off after failed logins.

The cookie holds a random token; the database holds its SHA-256, the account, a CSRF
token for the forms, and when the session expires. Each page refreshes the expiry, so a
session ends after REVIEW_SESSION_MINUTES without use.
"""
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa

from review import accounts, schema, settings

COOKIE = "review_session"
# After the n-th failed login in a row, the next try waits 2**(n-1) seconds, up to this.
MAX_BACKOFF_SECONDS = 300
FREE_FAILURES = 2  # a mistyped password or two costs nothing


@dataclass
class Session:
    staff_id: int
    name: str
    csrf_token: str
    token_hash: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(connection, staff_id: int) -> str:
    token = secrets.token_urlsafe(32)
    connection.execute(sa.insert(schema.sessions).values(
        token_hash=_hash(token), staff_id=staff_id, csrf_token=secrets.token_urlsafe(32),
        expires_at=time.time() + settings.session_minutes() * 60))
    return token


def find(connection, token: Optional[str]) -> Optional[Session]:
    if not token:
        return None
    s, staff = schema.sessions.c, schema.staff.c
    row = connection.execute(
        sa.select(s.staff_id, staff.name, s.csrf_token, s.expires_at, s.token_hash)
        .join_from(schema.sessions, schema.staff, s.staff_id == staff.id)
        .where(s.token_hash == _hash(token))
    ).first()
    now = time.time()
    if row is None or accounts.is_disabled(connection, row.staff_id):
        return None
    if row.expires_at <= now:
        connection.execute(sa.delete(schema.sessions).where(s.token_hash == row.token_hash))
        return None
    connection.execute(sa.update(schema.sessions).where(s.token_hash == row.token_hash)
                       .values(expires_at=now + settings.session_minutes() * 60))
    return Session(row.staff_id, row.name, row.csrf_token, row.token_hash)


def end(connection, session: Session) -> None:
    connection.execute(sa.delete(schema.sessions).where(schema.sessions.c.token_hash == session.token_hash))
    # expired sessions of anyone are cleared on the way
    connection.execute(sa.delete(schema.sessions).where(schema.sessions.c.expires_at <= time.time()))


def csrf_ok(session: Session, sent: Optional[str]) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf_token, sent)


# Failed logins are counted per account name and per client address, so that neither
# guessing one account's password from many places nor many accounts from one place is fast.
def _keys(name: str, ip: str):
    return [f"name:{name.lower()[:300]}", f"ip:{ip}"]


def wait_seconds(connection, name: str, ip: str, now: Optional[float] = None) -> int:
    now = time.time() if now is None else now
    rows = connection.execute(sa.select(schema.login_failures)
                              .where(schema.login_failures.c.key.in_(_keys(name, ip)))).all()
    wait = 0.0
    for row in rows:
        if row.failures >= FREE_FAILURES:
            backoff = min(2 ** (row.failures - FREE_FAILURES), MAX_BACKOFF_SECONDS)
            wait = max(wait, row.last_at + backoff - now)
    return int(wait + 0.999) if wait > 0 else 0


def failed(connection, name: str, ip: str) -> None:
    now = time.time()
    table = schema.login_failures
    for key in _keys(name, ip):
        updated = connection.execute(sa.update(table).where(table.c.key == key)
                                     .values(failures=table.c.failures + 1, last_at=now))
        if updated.rowcount == 0:
            connection.execute(sa.insert(table).values(key=key, failures=1, last_at=now))


def succeeded(connection, name: str, ip: str) -> None:
    connection.execute(sa.delete(schema.login_failures)
                       .where(schema.login_failures.c.key.in_(_keys(name, ip))))
