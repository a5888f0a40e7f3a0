"""Retention beside a writer: how long the assistant's writes wait while `make retention`
deletes many old conversations from a SQLite file. A script, not a test.

    .venv/bin/python -m tools.bench_retention [--conversations 100000]

Fills a new SQLite file with synthetic conversations (tools/bench_review.py, spread over
about a year), then runs retention with 90 days while a thread writes an event every 0.2 s
with the 5 s lock wait Rasa's SQL tracker store has. Prints the run's length, the longest
wait and the writes that gave up (each a lost turn).
"""
import argparse
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

from tools import bench_review, retention

LOCK_WAIT_SECONDS = 5.0  # pysqlite's default, which Rasa's engine keeps


def run(conversations: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-retention-") as tmp:
        path = Path(tmp) / "conversations.db"
        url = f"sqlite:///{path}"
        bench_review.fill(url, conversations)
        waits, gave_up, done = [], [], threading.Event()

        def writer():
            with sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS) as db:
                while not done.is_set():
                    begin = time.perf_counter()
                    try:
                        db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) "
                                   "VALUES ('writer', 'user', ?, '{}')", (time.time(),))
                        db.commit()
                        waits.append(time.perf_counter() - begin)
                    except sqlite3.OperationalError as error:
                        gave_up.append(str(error))
                        db.rollback()
                    done.wait(0.2)

        thread = threading.Thread(target=writer)
        thread.start()
        begin = time.perf_counter()
        try:
            result = retention.delete_old_conversations(url, 90)
        finally:
            seconds = time.perf_counter() - begin
            done.set()
            thread.join()
    return {"seconds": round(seconds, 1), "conversations": len(result.conversations),
            "events": result.events, "writes": len(waits) + len(gave_up),
            "longest_wait_s": round(max(waits, default=0), 2), "gave_up": len(gave_up)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    args = parser.parse_args(argv)
    if args.conversations < 1:
        parser.error("--conversations must be positive")
    print(run(args.conversations))
    return 0


if __name__ == "__main__":
    sys.exit(main())
