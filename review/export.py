"""The filtered conversations as CSV (one row per conversation) or JSON (with the turns).

    python -m review.export --format csv|json [--crisis] [--risk distress:burden] [--date-from D] ...

The same filters as the list page (review.filters). The CLI writes to stdout and logs
the export in the audit log, with no account (staff_id empty).
"""
import argparse
import csv
import io
import json
import sys
import time
from typing import Iterator, List, Optional

import sqlalchemy as sa

from review import audit, schema, settings
from transcripts import risk_labels as risk
from review.filters import FLAGS, Filters, FilterError, attach_tags, select
from review.transcript import load_events, turns

# the newer columns last, so that readers of the older columns by position still work
COLUMNS = ["sender_id", "started_at", "last_at", "turns", "channel", "crisis", "low_confidence",
           "action_failure", "unwarned", "min_confidence", "intents", "actions", "tags",
           "risk", "summary_failed"]
CHUNK = 500


def _iso(timestamp: Optional[float]) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp)) if timestamp else ""


def conversations(connection, filters: Filters, limit: Optional[int] = None) -> Iterator[dict]:
    """Every matching conversation, newest first, read in keyset chunks."""
    after, count = None, 0
    while True:
        size = CHUNK if limit is None else min(CHUNK, limit - count)
        if size <= 0:
            return
        rows = [dict(r) for r in connection.execute(select(filters, after, size)).mappings()]
        if not rows:
            return
        attach_tags(connection, rows)
        _attach_labels(connection, rows)
        for row in rows:
            yield row
        count += len(rows)
        after = (rows[-1]["started_at"], rows[-1]["sender_id"])


def _attach_labels(connection, rows: List[dict]) -> None:
    labels = schema.labels.c
    found = {}
    for kind, name, sender in connection.execute(
            sa.select(labels.kind, labels.name, labels.sender_id)
            .where(labels.sender_id.in_([r["sender_id"] for r in rows])).order_by(labels.name)):
        found.setdefault((sender, kind), []).append(name)
    for row in rows:
        row["intents"] = found.get((row["sender_id"], "intent"), [])
        row["actions"] = found.get((row["sender_id"], "action"), [])
        row["risk"] = found.get((row["sender_id"], risk.LABEL), [])


def _record(row: dict) -> dict:
    record = {k: row[k] for k in COLUMNS}
    record["started_at"], record["last_at"] = _iso(row["started_at"]), _iso(row["last_at"])
    return record


# A spreadsheet runs a cell that starts with one of these as a formula (a tab or a carriage
# return before it counts too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell a spreadsheet cannot run: a leading quote before a formula start, and
    nothing added to an empty cell."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def to_csv(connection, filters: Filters, limit: Optional[int] = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in conversations(connection, filters, limit):
        record = _record(row)
        for key in ("intents", "actions", "tags", "risk"):
            record[key] = " ".join(record[key])
        record = {k: neutralise(v) for k, v in record.items()}
        writer.writerow(record)
    return out.getvalue()


def to_json(connection, filters: Filters, limit: Optional[int] = None) -> str:
    records = []
    for row in conversations(connection, filters, limit):
        record = _record(row)
        record["transcript"] = turns(load_events(connection, row["sender_id"]))
        records.append(record)
    return json.dumps({"filters": filters.as_query(), "conversations": records}, indent=1)


def render(connection, filters: Filters, fmt: str, limit: Optional[int] = None) -> str:
    if fmt not in ("csv", "json"):
        raise FilterError("format: csv or json")
    return (to_csv if fmt == "csv" else to_json)(connection, filters, limit)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Export the filtered conversations.")
    parser.add_argument("--url", default=settings.database_url(), help="database URL (default: TRACKER_URL)")
    parser.add_argument("--format", default="csv", choices=["csv", "json"])
    parser.add_argument("--date-from", help="first day, YYYY-MM-DD (UTC, by start time)")
    parser.add_argument("--date-to", help="last day, YYYY-MM-DD")
    for flag in FLAGS:
        parser.add_argument("--" + flag.replace("_", "-"), action="store_true")
    parser.add_argument("--intent")
    parser.add_argument("--action")
    parser.add_argument("--tag")
    parser.add_argument("--risk", help="crisis, distress, crisis:KIND, distress:KIND or about_other")
    parser.add_argument("--q", "--search", dest="q", help="text the patient wrote")
    args = parser.parse_args(argv)
    values = {k: ("1" if v is True else "" if v is False else v) for k, v in vars(args).items()}
    try:
        filters = Filters.parse(values)
    except FilterError as error:
        parser.error(str(error))
    engine = schema.engine_for(args.url)
    try:
        from transcripts.summary import catch_up
        schema.create(engine)  # the staff app's tables, as the app makes them at start
        catch_up(engine)
        with engine.begin() as connection:
            sys.stdout.write(render(connection, filters, args.format))
            audit.write(connection, None, "export", detail={"via": "cli", "format": args.format,
                                                            **filters.as_query()})
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
