"""Whether transcripts are being stored, so that a database outage is seen, not silent.

Rasa wraps every tracker store in a FailSafeTrackerStore: when the database fails, it
logs an error, keeps the turn in memory (where nothing reads it back) and the patient
still gets replies. The redacting store records each write here, and the health
endpoint (transcripts.health_channel) reports it.
"""
import threading
import time
from dataclasses import dataclass, field
from typing import Optional, Set


# A long outage must not grow memory without bound; past this the count is a floor.
MAX_TRACKED_CONVERSATIONS = 100_000


def _when(timestamp: Optional[float]) -> str:
    if timestamp is None:
        return "never"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(timestamp))


@dataclass
class StorageHealth:
    last_ok_at: Optional[float] = None
    last_failure_at: Optional[float] = None
    last_error: str = ""
    failing: bool = False
    failing_since: Optional[float] = None
    # every failed write since the process started: the turns that never reached the
    # database stay counted after it recovers
    failed_writes: int = 0
    failed_conversations: Set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def ok(self) -> None:
        with self._lock:
            self.last_ok_at = time.time()
            self.failing, self.failing_since = False, None

    def failed(self, error: BaseException, sender_id: Optional[str] = None, write: bool = True) -> None:
        with self._lock:
            now = time.time()
            self.last_failure_at = now
            # the class name only: driver messages can carry connection details
            self.last_error = type(error).__name__
            if not self.failing:
                self.failing, self.failing_since = True, now
            if write:
                self.failed_writes += 1
                if sender_id and len(self.failed_conversations) < MAX_TRACKED_CONVERSATIONS:
                    self.failed_conversations.add(sender_id)

    def report(self) -> dict:
        with self._lock:
            if self.failing:
                message = (
                    f"Conversations are NOT being stored: the database has failed since "
                    f"{_when(self.failing_since)} ({self.last_error}). The assistant still "
                    f"replies, but these turns are kept only in memory and will be lost."
                )
            else:
                message = f"Conversations are being stored (last check {_when(self.last_ok_at)})."
            if self.failed_writes:
                message += (
                    f" {self.failed_writes} writes in {len(self.failed_conversations)} "
                    f"conversations failed since the server started, the last at "
                    f"{_when(self.last_failure_at)}."
                )
            return {
                "status": "failing" if self.failing else "ok",
                "message": message,
                "failing_since": self.failing_since,
                "last_ok_at": self.last_ok_at,
                "last_failure_at": self.last_failure_at,
                "last_error": self.last_error,
                "failed_writes": self.failed_writes,
                "failed_conversations": len(self.failed_conversations),
            }


_watched = None


def watch(store) -> None:
    """Make `store` the one the health endpoint reports on (one per Rasa server)."""
    global _watched
    _watched = store


def watched():
    return _watched
