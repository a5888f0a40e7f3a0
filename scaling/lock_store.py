"""The conversation lock store, chosen by the environment alone.

endpoints.yml names `scaling.lock_store.EnvironmentLockStore`. With LOCK_STORE_URL unset
(`make run`) Rasa gets its in-memory lock store, as before. With
LOCK_STORE_URL=redis://[user:password@]host:port/db (or rediss:// for TLS) it gets a
Redis lock store, which several Rasa instances, or several Sanic workers, share so that
one conversation is handled by one of them at a time, in the order its messages came.

Rasa's endpoints.yml substitutes `${VAR}` and fails when VAR is unset, so the choice
cannot be made there; Rasa instantiates the class named in `type` instead, and this
class hands back the chosen store itself (see __new__).
"""
import asyncio
import json
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Callable, Optional, Text, Tuple
from urllib.parse import unquote, urlparse

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import (
    LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore,
)

logger = logging.getLogger(__name__)

URL_VARIABLE = "LOCK_STORE_URL"


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store, with every change to a lock made in one transaction.

    Rasa's own store reads a lock, changes it in Python and writes it back. Two
    instances doing that at once for one conversation overwrite each other: both can
    draw the same ticket (and handle one conversation at the same time, so one turn's
    events are lost), or a finished ticket can be written back and hold the lock until
    it expires. Here each read-change-write is retried under WATCH until no other
    instance changed the lock in between.

    A message waiting for its turn keeps its own ticket alive. Rasa lets a waiting
    ticket expire as if it were being served: behind an instance that died holding the
    lock, the retried message's ticket, drawn a moment after the dead one, expired with
    it and the message failed (seen in tests/scale when an instance was killed).

    When Redis cannot be reached, a conversation is locked in this process only, and
    the message is answered: Rasa would fail the message before reading it, and the
    patient channel's fallback, which judges crisis from the stored conversation, would
    not see that this message is a crisis. Two instances may then handle one
    conversation at once, which needs the patient to send again before a reply came.
    """

    # Seconds to wait for Redis to accept a connection before locking locally.
    CONNECT_TIMEOUT_SECONDS = 2

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.red.connection_pool.connection_kwargs["socket_connect_timeout"] = \
            self.CONNECT_TIMEOUT_SECONDS
        self.local = InMemoryLockStore()

    @classmethod
    def from_url(cls, url: Text) -> "AtomicRedisLockStore":
        parts = urlparse(url)
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            raise ValueError(f"{URL_VARIABLE} must look like redis://host:port/db, not {url!r}")
        path = parts.path.strip("/")
        return cls(
            host=parts.hostname,
            port=parts.port or 6379,
            # Rasa's default database for locks; the URL's wins.
            db=int(path) if path else 1,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_ssl=parts.scheme == "rediss",
        )

    def _change(self, conversation_id: Text,
                change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], object]]):
        """Apply `change` to the stored lock atomically: it gets the lock (or None) and
        returns the lock to store (None or no tickets: delete it) and a result."""
        key = self.key_prefix + conversation_id

        def attempt(pipe):
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            lock, result = change(lock)
            pipe.multi()
            if lock is None or not lock.tickets:
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
                # A lock left by an instance that died goes when its last ticket would
                # have expired, instead of staying in Redis for ever.
                pipe.expireat(key, int(max(t.expires for t in lock.tickets)) + 1)
            return result

        return self.red.transaction(attempt, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock):
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        ticket, held = None, None
        try:
            ticket = self.issue_ticket(conversation_id, lock_lifetime)
            held = await self._wait_for_turn(conversation_id, ticket, lock_lifetime,
                                             wait_time_in_seconds)
        except (LockError, redis.RedisError) as error:
            cause = error if isinstance(error, redis.RedisError) else error.__cause__
            if not isinstance(cause, redis.RedisError):
                raise  # not an outage: Redis answered
            logger.error("Redis lock store unreachable (%s): conversation %s locked in this "
                         "process only", cause, conversation_id)
        if held is None:
            async with self.local.lock(conversation_id, lock_lifetime,
                                       wait_time_in_seconds) as local:
                yield local
            return
        try:
            yield held
        finally:
            try:
                self.cleanup(conversation_id, ticket)
            except redis.RedisError as error:
                # The ticket expires by itself after lock_lifetime.
                logger.error("Could not release the lock of %s in Redis: %s",
                             conversation_id, error)

    async def _wait_for_turn(self, conversation_id: Text, ticket: int, lifetime: float,
                             wait_time_in_seconds: float) -> TicketLock:
        def keep_mine(lock):
            lock = lock or self.create_lock(conversation_id)
            mine = next((t for t in lock.tickets if t.number == ticket), None)
            if mine is None:  # expired while this process was stalled: back in its place
                mine = Ticket(ticket, 0)
                lock.tickets.append(mine)
                lock.tickets = type(lock.tickets)(sorted(lock.tickets, key=lambda t: t.number))
            mine.expires = time.time() + lifetime
            lock.remove_expired_tickets()
            return lock, (lock.now_serving == ticket, lock)

        while True:
            served, lock = self._change(conversation_id, keep_mine)
            if served:
                return lock
            await asyncio.sleep(wait_time_in_seconds)

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock):
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock):
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # One transaction: Rasa's finish-then-delete-if-nobody-waits could delete the
        # ticket another instance issued in between.
        self.finish_serving(conversation_id, ticket_number)


def sanic_workers() -> int:
    try:
        return int(os.environ.get("SANIC_WORKERS", "1"))
    except ValueError:
        return 1


class EnvironmentLockStore(LockStore):
    """Named in endpoints.yml; constructing it gives the store LOCK_STORE_URL asks for."""

    def __new__(cls, endpoint_config=None) -> LockStore:
        # Rasa calls the class named in endpoints.yml with the endpoint config. Handing
        # back Rasa's own classes (not a wrapper) keeps Rasa's isinstance checks right.
        url = os.environ.get("LOCK_STORE_URL", "").strip()
        if url:
            store = AtomicRedisLockStore.from_url(url)
            store.red.ping()  # fail at start, not on a patient's first message
            logger.info("Conversation locks in Redis at %s:%s",
                        urlparse(url).hostname, urlparse(url).port or 6379)
            return store
        if sanic_workers() > 1:
            # Rasa allows several workers with any custom lock store, but in-memory
            # locks are per process: two workers could answer one conversation at once.
            raise ValueError(f"SANIC_WORKERS={sanic_workers()} needs {URL_VARIABLE} "
                             "(a Redis lock store shared by the workers)")
        return InMemoryLockStore()
