"""Per-sender rate limit on the patient webhooks, without ever refusing a person at risk.

One sender sending faster than any person types gets a 429 with a short message that
names the emergency number. A message the full NLU pipeline reads as a crisis or as
distress (patterns and classifiers, as for any turn) still goes through to its reply
(addons/channels.py).
"""
import os
import time
from collections import deque
from typing import Callable, Deque, Dict

# A person types a few messages a minute; the default leaves room for quick replies and
# retries. 0 turns the limit off (the load and benchmark servers do).
PER_MINUTE = int(os.environ.get("RATE_LIMIT_PER_MINUTE", "30"))
WINDOW_SECONDS = 60.0
# Bounded memory: senders idle for a window are forgotten when the table grows past this.
MAX_SENDERS = 50_000

THROTTLED_MESSAGE = ("You're sending messages faster than I can answer. Please wait a minute, "
                     "then try again. If you are in danger now, call {emergency}.")


class SenderLimiter:
    def __init__(self, per_window: int = PER_MINUTE, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_window, self.window, self.clock = per_window, window, clock
        self.sent: Dict[str, Deque[float]] = {}

    def allow(self, sender: str) -> bool:
        """Count one message for `sender`; False when it is over the limit."""
        if self.per_window <= 0:
            return True
        now = self.clock()
        if len(self.sent) > MAX_SENDERS:
            self._forget_idle(now)
        times = self.sent.setdefault(sender, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.per_window:
            return False
        times.append(now)
        return True

    def _forget_idle(self, now: float) -> None:
        for sender in [s for s, t in self.sent.items() if not t or now - t[-1] >= self.window]:
            del self.sent[sender]
