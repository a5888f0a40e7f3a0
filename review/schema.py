"""The staff app's tables, beside Rasa's `events` and the summary tables in the same
database.

The summary tables (`conversations`, `labels`, `summary_failed`) belong to the storage
layer, which writes them on every turn (transcripts.summary_schema); they are named here
too so that the staff app's modules find every table in one place.
"""
import sqlalchemy as sa

from transcripts.summary_schema import conversations, labels, metadata, summary_failed

__all__ = ["metadata", "conversations", "labels", "summary_failed", "staff", "disabled", "sessions",
           "login_failures", "tags", "notes", "audit", "PER_CONVERSATION", "create", "engine_for"]

staff = sa.Table(
    "review_staff", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# A disabled account can neither log in nor use a session it had. A table of its own, so
# that databases made before it need no change to review_staff.
disabled = sa.Table(
    "review_staff_disabled", metadata,
    sa.Column("staff_id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
)

sessions = sa.Table(
    "review_sessions", metadata,
    # only a hash of the cookie's token is stored: a copy of the database opens no session
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("staff_id", sa.Integer, sa.ForeignKey("review_staff.id"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

login_failures = sa.Table(
    "review_login_failures", metadata,
    sa.Column("key", sa.String(320), primary_key=True),  # "name:..." or "ip:..."
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_at", sa.Float, nullable=False),
)

tags = sa.Table(
    "review_tags", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("tag", sa.String(64), primary_key=True),
    sa.Column("staff_id", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_review_tags_tag", "tag", "sender_id"),
)

notes = sa.Table(
    "review_notes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("staff_id", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

audit = sa.Table(
    "review_audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("staff_id", sa.Integer),
    sa.Column("action", sa.String(32), nullable=False),  # view, export, tag, untag, note, login, logout
    sa.Column("sender_id", sa.String(255)),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

# What retention deletes with a conversation's events.
PER_CONVERSATION = (conversations, labels, summary_failed, tags, notes)


# The audit log can only grow: the database refuses to change or delete a row, whatever
# the app (or a bug in it) asks. Whoever owns the database can still drop the trigger; a
# role with INSERT alone on review_audit closes that too (docs/reviewing.md).
_APPEND_ONLY = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS review_audit_no_update BEFORE UPDATE ON review_audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS review_audit_no_delete BEFORE DELETE ON review_audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION review_audit_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS review_audit_append_only ON review_audit",
        """CREATE TRIGGER review_audit_append_only BEFORE UPDATE OR DELETE ON review_audit
           FOR EACH ROW EXECUTE FUNCTION review_audit_append_only()""",
    ],
}


def create(engine) -> None:
    metadata.create_all(engine)
    with engine.begin() as connection:
        for statement in _APPEND_ONLY.get(engine.dialect.name, []):
            connection.execute(sa.text(statement))


def engine_for(url: str):
    from rasa.core.tracker_store import create_engine_kwargs
    return sa.create_engine(url, pool_pre_ping=True, hide_parameters=True, **create_engine_kwargs(url))
