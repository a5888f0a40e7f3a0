"""The conversation filters, shared by the list page, the page's export and the export
CLI, so that all three select the same conversations.

Bad input raises FilterError with a plain message (the pages answer 400 with it).
"""
import base64
import datetime as dt
from dataclasses import asdict, dataclass
from typing import Mapping, Optional, Tuple

import sqlalchemy as sa

from review import schema
from transcripts import risk_labels

FLAGS = ("crisis", "low_confidence", "action_failure", "unwarned")
TEXT_FIELDS = ("intent", "action", "tag", "q")
MAX_TEXT = 200


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class Filters:
    date_from: Optional[dt.date] = None
    date_to: Optional[dt.date] = None
    crisis: bool = False
    low_confidence: bool = False
    action_failure: bool = False
    unwarned: bool = False
    intent: str = ""
    action: str = ""
    tag: str = ""
    q: str = ""
    risk: str = ""  # a risk label name (transcripts.risk_labels): "crisis", "distress:burden", "about_other"

    @classmethod
    def parse(cls, values: Mapping[str, str]) -> "Filters":
        """From query arguments or CLI options: dates as YYYY-MM-DD, flags as 1/0."""
        def date(name):
            text = (values.get(name) or "").strip()
            if not text:
                return None
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise FilterError(f"{name}: use a date like 2026-01-31") from None

        def flag(name):
            text = (values.get(name) or "").strip().lower()
            if text not in ("", "0", "1", "on", "true", "false"):
                raise FilterError(f"{name}: use 1 or 0")
            return text in ("1", "on", "true")

        def text(name):
            value = (values.get(name) or "").strip()
            if len(value) > MAX_TEXT:
                raise FilterError(f"{name}: at most {MAX_TEXT} characters")
            return value

        def risk_label():
            value = (values.get("risk") or "").strip().lower()
            if value and not risk_labels.valid_filter(value):
                raise FilterError("risk: use crisis, distress, crisis:KIND, distress:KIND or about_other "
                                  "(a kind is lower-case letters and _, at most 32)")
            return value

        filters = cls(date_from=date("date_from"), date_to=date("date_to"),
                      **{f: flag(f) for f in FLAGS}, **{f: text(f) for f in TEXT_FIELDS},
                      risk=risk_label())
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise FilterError("date_from is after date_to")
        return filters

    def as_query(self) -> dict:
        """The filters as query arguments, to carry them to the next page and the export."""
        query = {}
        for name, value in asdict(self).items():
            if isinstance(value, bool):
                if value:
                    query[name] = "1"
            elif value:
                query[name] = value.isoformat() if isinstance(value, dt.date) else value
        return query

    def where(self):
        c = schema.conversations.c
        clauses = []
        if self.date_from:
            clauses.append(c.started_at >= _epoch(self.date_from))
        if self.date_to:
            clauses.append(c.started_at < _epoch(self.date_to + dt.timedelta(days=1)))
        for name in FLAGS:
            if getattr(self, name):
                flagged = getattr(c, name) == sa.true()
                if name == "crisis":
                    # a conversation whose summary failed may be a crisis: shown, not hidden.
                    # IN, not EXISTS: each side of the OR then uses an index (EXISTS
                    # walked every conversation, 80 ms at 100,000 with few crises).
                    flagged = sa.or_(flagged, c.sender_id.in_(sa.select(schema.summary_failed.c.sender_id)))
                clauses.append(flagged)
        # EXISTS, not IN: walking the list newest first, each row is one primary-key
        # lookup, and a page stops after its rows instead of first collecting every match
        for kind, name in (("intent", self.intent), ("action", self.action), (risk_labels.LABEL, self.risk)):
            if name:
                labels = schema.labels.c
                clauses.append(sa.exists().where(labels.kind == kind, labels.name == name,
                                                 labels.sender_id == c.sender_id))
        if self.tag:
            tags = schema.tags.c
            clauses.append(sa.exists().where(tags.sender_id == c.sender_id, tags.tag == self.tag.lower()))
        if self.q:
            # user_text is stored lower-cased (transcripts.summary)
            clauses.append(c.user_text.contains(self.q.lower(), autoescape=True))
        return sa.and_(sa.true(), *clauses)


def summary_failed():
    """Whether the row's conversation is one whose summary could not be written
    (transcripts.summary.mark_failed): its flags may be wrong, and the pages say so."""
    failed = schema.summary_failed.c
    return sa.exists().where(failed.sender_id == schema.conversations.c.sender_id)


def with_flags():
    """The summary rows and whether each summary failed, as every page and export reads them."""
    return sa.select(schema.conversations, summary_failed().label("summary_failed"))


def _epoch(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()


# Keyset paging, newest first: a page starts after the (started_at, sender_id) of the
# last row of the page before, so page 2,000 costs what page 1 does.
def encode_cursor(started_at: float, sender_id: str) -> str:
    return base64.urlsafe_b64encode(f"{started_at!r}|{sender_id}".encode()).decode()


def decode_cursor(cursor: str) -> Optional[Tuple[float, str]]:
    if not cursor:
        return None
    try:
        started, sender = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return float(started), sender
    except (ValueError, UnicodeError):
        raise FilterError("after: not a page this list gave") from None


def select(filters: Filters, after: Optional[Tuple[float, str]] = None, limit: Optional[int] = None):
    c = schema.conversations.c
    query = with_flags().where(filters.where())
    if after:
        started, sender = after
        query = query.where(sa.or_(c.started_at < started,
                                   sa.and_(c.started_at == started, c.sender_id < sender)))
    query = query.order_by(c.started_at.desc(), c.sender_id.desc())
    return query.limit(limit) if limit else query


def page(connection, filters: Filters, after=None, size: int = 50):
    """(rows, cursor of the next page or None), with each row's tags."""
    rows = [dict(r) for r in connection.execute(select(filters, after, size + 1)).mappings()]
    more = len(rows) > size
    rows = rows[:size]
    attach_tags(connection, rows)
    cursor = encode_cursor(rows[-1]["started_at"], rows[-1]["sender_id"]) if more else None
    return rows, cursor


def attach_tags(connection, rows) -> None:
    ids = [r["sender_id"] for r in rows]
    found = {}
    if ids:
        for sender, tag in connection.execute(
            sa.select(schema.tags.c.sender_id, schema.tags.c.tag)
            .where(schema.tags.c.sender_id.in_(ids)).order_by(schema.tags.c.tag)
        ):
            found.setdefault(sender, []).append(tag)
    for row in rows:
        row["tags"] = found.get(row["sender_id"], [])
