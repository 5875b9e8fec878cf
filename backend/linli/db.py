"""Declarative base, the UTC datetime type and engine settings shared by every model."""

import enum
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import has_request_context, request
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import DateTime, Enum, MetaData, Uuid, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, on SQLite (no time zones) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint of the allowed values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), uuid.UUID: Uuid()},
    )


INT32_MAX = 2**31 - 1


def get_by_int_id(model, ident: int):
    """session.get for integer keys taken from a URL: ids no column can hold are simply absent."""
    from linli.extensions import db

    return db.session.get(model, ident) if 0 < ident <= INT32_MAX else None


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL, foreign keys, a busy timeout, and transactions SQLAlchemy controls."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself so SAVEPOINTs and rollbacks behave (pysqlite quirk).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _in_write_request() else "BEGIN")


_writing_job: ContextVar[bool] = ContextVar("linli_writing_job", default=False)


@contextmanager
def writing_job() -> Iterator[None]:
    """Work outside a request that reads in order to write (the sweep): on SQLite its
    transactions take the write lock up front, so two such jobs queue instead of failing."""
    token = _writing_job.set(True)
    try:
        yield
    finally:
        _writing_job.reset(token)


def _in_write_request() -> bool:
    # SQLite: a transaction that has already read cannot wait for the write lock (it fails
    # at once with "database is locked"); one begun IMMEDIATE waits its turn (busy_timeout).
    # So a write request takes the lock up front, and concurrent writes queue instead of 500.
    if _writing_job.get():
        return True
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


# --- a read replica for the figures -----------------------------------------------------

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("linli_reading_from_replica", default=False)


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """The SELECTs of this block go to the read replica where one is set
    (LINLI_REPLICA_DATABASE_URL); every write still goes to the primary. A replica trails
    the primary by a moment, so only figures read through it: sums over many cases, where a
    case changed a second ago may count as it was."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


class RoutingSession(FlaskSession):
    """Flask-SQLAlchemy's session, sending a SELECT to the replica inside
    reading_from_replica() (never what a flush writes)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (
            bind is None
            and _reading_from_replica.get()
            and not self._flushing
            and getattr(clause, "is_select", False)
            and REPLICA in self._db.engines
        ):
            return self._db.engines[REPLICA]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
