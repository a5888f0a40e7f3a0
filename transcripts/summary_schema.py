"""The summary tables the tracker store keeps beside Rasa's `events`, in the same database.

`review_conversations` is one row per conversation, kept up to date on each save
(transcripts.summary), so that the staff pages' list and filters never scan `events`.
`review_labels` holds the intents, actions and risk labels (transcripts.risk_labels) seen
in each conversation, indexed for the intent, action and risk filters.
`review_summary_failed` names the conversations whose summary could not be written. The
staff app's own tables (review.schema) share this `metadata`.
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

# The conversations whose summary could not be written (transcripts.summary.mark_failed):
# listed flagged until a rebuild succeeds. A table of its own, so that databases made
# before it need no change to review_conversations.
summary_failed = sa.Table(
    "review_summary_failed", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
)


def create(engine) -> None:
    """The summary tables only: the staff tables are the staff app's to create."""
    metadata.create_all(engine, tables=[conversations, labels, summary_failed])
