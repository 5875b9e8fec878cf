"""Rate limits kept in the app's own database, so they hold across gunicorn workers.

`limits` (under flask-limiter) has no SQL storage; this one registers the scheme
`database://` ("the app's database": the engine of the app serving the request) and keeps
fixed-window counters in `rate_limit_counters`. Redis stays available by its own URI.
"""

import hashlib
import time
from datetime import timedelta

from flask import has_request_context
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from linli.accounts.models import RateLimitCounter
from linli.db import utcnow

_COUNTERS = RateLimitCounter.__table__
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_PURGE_EVERY = 60.0  # seconds between sweeps of expired counters (per process)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage):
    """Fixed-window counters in a table; every operation is one short transaction of its own."""

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._last_purge = 0.0

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @staticmethod
    def _engine():
        from linli.extensions import db

        # SQLite: a write request's session holds the write lock, which this storage's own
        # connection would wait for; the limiter runs before a view or after it, when the
        # session holds nothing it still needs, so its transaction ends first. PostgreSQL
        # locks rows, not the database: the session (and the objects it holds) is left alone.
        if has_request_context() and db.engine.dialect.name == "sqlite":
            db.session.rollback()
        return db.engine

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = utcnow()
        engine = self._engine()
        insert = _INSERTS[engine.dialect.name](_COUNTERS).values(
            key=_digest(key), count=amount, expires_at=now + timedelta(seconds=expiry)
        )
        expired = _COUNTERS.c.expires_at <= now
        upsert = insert.on_conflict_do_update(
            index_elements=[_COUNTERS.c.key],
            set_={
                "count": case(
                    (expired, insert.excluded.count),
                    else_=_COUNTERS.c.count + insert.excluded.count,
                ),
                "expires_at": case(
                    (expired, insert.excluded.expires_at), else_=_COUNTERS.c.expires_at
                ),
            },
        ).returning(_COUNTERS.c.count)
        with engine.begin() as conn:
            count = conn.execute(upsert).scalar_one()
            if time.monotonic() - self._last_purge > _PURGE_EVERY:
                self._last_purge = time.monotonic()
                conn.execute(delete(_COUNTERS).where(expired))
        return count

    def _live(self, column, key: str):
        query = select(column).where(
            _COUNTERS.c.key == _digest(key), _COUNTERS.c.expires_at > utcnow()
        )
        with self._engine().begin() as conn:
            return conn.execute(query).scalar_one_or_none()

    def get(self, key: str) -> int:
        return self._live(_COUNTERS.c.count, key) or 0

    def get_expiry(self, key: str) -> float:
        expires_at = self._live(_COUNTERS.c.expires_at, key)
        return expires_at.timestamp() if expires_at is not None else time.time()

    def check(self) -> bool:
        try:
            with self._engine().begin() as conn:
                conn.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._engine().begin() as conn:
            return conn.execute(delete(_COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        with self._engine().begin() as conn:
            conn.execute(delete(_COUNTERS).where(_COUNTERS.c.key == _digest(key)))
