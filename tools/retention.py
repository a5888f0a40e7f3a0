"""Delete conversations whose last event is older than N days from the SQL tracker store.

    python -m tools.retention [--days N] [--dry-run] [--list] [--url URL]

N defaults to RETENTION_DAYS, or 90; the database to TRACKER_URL, or the SQLite file
`make run` uses. A conversation goes as a whole, and only when its *last* event is
older than N days, so an old conversation that a patient came back to stays. Prints
how many conversations and events it deleted, per day of their last event; sender
ids only with --list, since a website may use something personal as the sender id.
"""
import argparse
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import create_engine_kwargs

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DAYS = 90
BATCH = 500  # below SQLite's limit of bound parameters per statement
# Each batch is its own transaction, and a pause follows it: SQLite has one writer at a
# time, and the assistant's tracker store gives up on a write after waiting 5 s, which
# loses that turn. One transaction for a whole run held the lock for as long as the run.
PAUSE_SECONDS = 0.05
EVENTS = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))


def default_url() -> str:
    return os.environ.get("TRACKER_URL") or f"sqlite:///{ROOT / 'var' / 'conversations.db'}"


def default_days() -> int:
    return int(os.environ.get("RETENTION_DAYS") or DEFAULT_DAYS)


@dataclass
class Deleted:
    cutoff: float
    dry_run: bool
    conversations: List[Tuple[str, float]] = field(default_factory=list)  # (sender, last event)
    events: int = 0

    def per_day(self) -> Counter:
        return Counter(time.strftime("%Y-%m-%d", time.gmtime(last)) for _, last in self.conversations)


def delete_old_conversations(url: str, days: int, dry_run: bool = False,
                             now: Optional[float] = None) -> Deleted:
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = (time.time() if now is None else now) - days * 86400
    result = Deleted(cutoff=cutoff, dry_run=dry_run)
    engine = sa.create_engine(url, **create_engine_kwargs(url))
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and not Path(database).exists():
        return result  # no conversations yet; and connecting would create the file
    try:
        if not sa.inspect(engine).has_table("events"):
            return result  # nothing stored yet
        last = sa.func.max(EVENTS.c.timestamp)
        with engine.begin() as connection:
            old = connection.execute(
                sa.select(EVENTS.c.sender_id, last).group_by(EVENTS.c.sender_id).having(last < cutoff)
            ).all()
            if dry_run:
                result.conversations = [(s, t) for s, t in old]
                result.events = connection.execute(
                    sa.select(sa.func.count()).select_from(EVENTS)
                    .where(EVENTS.c.sender_id.in_([s for s, _ in old]))
                ).scalar() if old else 0
                return result
        for start in range(0, len(old), BATCH):
            with engine.begin() as connection:
                _delete_batch(connection, dict(old[start:start + BATCH]), cutoff, result)
            time.sleep(PAUSE_SECONDS)
    finally:
        engine.dispose()
    return result


def _delete_batch(connection, batch: dict, cutoff: float, result: Deleted) -> None:
    # a conversation that got a new event since the select above is left alone
    recent = sa.select(EVENTS.c.sender_id).where(EVENTS.c.timestamp >= cutoff)
    deleted = connection.execute(
        sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(list(batch)))
        .where(EVENTS.c.sender_id.not_in(recent))
    )
    result.events += deleted.rowcount
    kept = {s for (s,) in connection.execute(
        sa.select(EVENTS.c.sender_id).where(EVENTS.c.sender_id.in_(list(batch))).distinct()
    )}
    gone = [(s, t) for s, t in batch.items() if s not in kept]
    result.conversations += gone
    _delete_review_rows(connection, [s for s, _ in gone])


def _delete_review_rows(connection, senders: List[str]) -> None:
    # the review pages' summary, tags and notes go with the conversation; the audit log
    # stays, as the record of who looked at what
    from review import schema
    if not senders:
        return
    for table in schema.PER_CONVERSATION:
        if sa.inspect(connection).has_table(table.name):
            connection.execute(sa.delete(table).where(table.c.sender_id.in_(senders)))


def describe(result: Deleted, days: int, list_senders: bool = False) -> str:
    verb = "Would delete" if result.dry_run else "Deleted"
    before = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(result.cutoff))
    lines = [f"{verb} {len(result.conversations)} conversations ({result.events} events) "
             f"whose last event was before {before} ({days} days)."]
    for day, count in sorted(result.per_day().items()):
        lines.append(f"  last event on {day}: {count}")
    if list_senders:
        lines += [f"  {sender}" for sender, _ in sorted(result.conversations)]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=default_days(),
                        help=f"keep conversations active in the last N days (default: RETENTION_DAYS or {DEFAULT_DAYS})")
    parser.add_argument("--url", default=default_url(), help="database URL (default: TRACKER_URL)")
    parser.add_argument("--dry-run", action="store_true", help="report, delete nothing")
    parser.add_argument("--list", action="store_true", help="also print the sender ids")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    result = delete_old_conversations(args.url, args.days, dry_run=args.dry_run)
    print(describe(result, args.days, args.list))
    return 0


if __name__ == "__main__":
    sys.exit(main())
