"""The review tables, beside Rasa's `events` in the same database.

`review_conversations` is one row per conversation, kept up to date by the tracker store
on each save (review.summary), so that the list and its filters never scan `events`.
`review_labels` holds the intents, actions and risk labels (review.risk) seen in each
conversation, indexed for the intent, action and risk filters.
"""
import sqlalchemy as sa

metadata = sa.MetaData()

conversations = sa.Table(
    "review_conversations", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("last_at", sa.Float, nullable=False),
    sa.Column("turns", sa.Integer, nullable=False, default=0),
    sa.Column("channel", sa.String(64)),
    sa.Column("crisis", sa.Boolean, nullable=False, default=False),
    sa.Column("low_confidence", sa.Boolean, nullable=False, default=False),
    sa.Column("action_failure", sa.Boolean, nullable=False, default=False),
    sa.Column("unwarned", sa.Boolean, nullable=False, default=False),
    sa.Column("min_confidence", sa.Float),
    # the redacted user texts, lower-cased, for the free-text search
    sa.Column("user_text", sa.Text, nullable=False, default=""),
    sa.Column("last_event_id", sa.Integer, nullable=False, default=0),
    sa.Index("ix_review_conversations_started", "started_at", "sender_id"),
    sa.Index("ix_review_conversations_crisis", "crisis", "started_at", "sender_id"),
    sa.Index("ix_review_conversations_low", "low_confidence", "started_at", "sender_id"),
)

labels = sa.Table(
    "review_labels", metadata,
    sa.Column("kind", sa.String(8), primary_key=True),  # "intent", "action" or "risk"
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Index("ix_review_labels_sender", "sender_id"),
)

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
PER_CONVERSATION = (conversations, labels, tags, notes)


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
