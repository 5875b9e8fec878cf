"""Plausible case histories for the benchmarks, written with COPY (PostgreSQL) or
executemany (SQLite): a case row with its events and ratings, as the lifecycle leaves them
(report, dispatch, acceptance, resolution, returns, escalations, closes)."""

import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text

CASE_COLUMNS = [
    "id",
    "reference",
    "category_id",
    "title",
    "description",
    "org_id",
    "address",
    "priority",
    "channel",
    "reporter_id",
    "reporter_name",
    "reporter_phone",
    "created_by_id",
    "state",
    "version",
    "escalation_level",
    "provider_id",
    "cycle",
    "accept_due_at",
    "resolve_due_at",
    "accepted_at",
    "unmet_need",
    "created_at",
    "updated_at",
    "resolved_at",
    "closed_at",
]
EVENT_COLUMNS = ["case_id", "at", "actor_id", "action", "from_state", "to_state", "note"]
EVENT_COLUMNS += ["public", "data"]
RATING_COLUMNS = ["case_id", "cycle", "rater_id", "recorded_by_id", "channel", "resolved"]
RATING_COLUMNS += ["stars", "comment", "created_at"]


@dataclass
class Rows:
    cases: list
    events: list
    ratings: list


def iso(moment: datetime) -> str:
    return moment.isoformat()


def history(
    rng: random.Random,
    reference: str,
    *,
    created: datetime,
    now: datetime,
    grid_id: int,
    category_id: int,
    provider_id: int,
    fallback_provider_id: int,
    staff_of: dict[int, int],
    resident_id: int,
    into: Rows,
) -> None:
    """One case reported by `resident_id` at `created`, lived until `now`, appended to `into`."""
    provider = provider_id
    case_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    accept_due, resolve_due = created + timedelta(hours=24), created + timedelta(days=7)
    clock = {"accept_due_at": iso(accept_due), "resolve_due_at": iso(resolve_due)}
    ev = [(created, "submit", None, {"channel": "app", "clock": clock}, None, "submitted")]
    at = created + timedelta(minutes=rng.uniform(5, 120))
    ev.append((at, "assign", None, {"provider_id": provider}, "submitted", "assigned"))
    state = "assigned"
    if rng.random() < 0.04:  # returned once, dispatched again
        at += timedelta(hours=rng.uniform(1, 10))
        ev.append((at, "return", staff_of[provider], {}, "assigned", "returned"))
        bounced = {"bounced_provider_id": provider}
        ev.append((at, "accept_return", None, bounced, "returned", "submitted"))
        provider = fallback_provider_id
        ev.append((at, "assign", None, {"provider_id": provider}, "submitted", "assigned"))
    accepted = resolved = closed = None
    if rng.random() < 0.97 and at < now:
        accepted = at + timedelta(hours=rng.expovariate(1 / 10))
        if accepted < now:
            ev.append((accepted, "accept", staff_of[provider], {}, "assigned", "in_progress"))
            state = "in_progress"
        else:
            accepted = None
    if accepted and rng.random() < 0.95:
        resolved = accepted + timedelta(hours=rng.expovariate(1 / 60))
        if resolved < now:
            ev.append((resolved, "resolve", staff_of[provider], {}, "in_progress", "resolved"))
            state = "resolved"
        else:
            resolved = None
    if accepted is None and accept_due < now:
        reason = {"reason": "accept_overdue", "from_level": "grid", "to_level": "community"}
        ev.append((accept_due + timedelta(minutes=1), "escalate", None, reason, state, state))
    if resolved is not None:
        if rng.random() < 0.3 and resolved + timedelta(hours=30) < now:
            rated_at = resolved + timedelta(hours=rng.uniform(1, 30))
            stars = rng.choices([5, 4, 3, 2, 1], [50, 25, 12, 8, 5])[0]
            ok = rng.random() < 0.92
            into.ratings.append(
                (case_id, 1, resident_id, resident_id, "app", ok, stars, "", rated_at)
            )
            verdict = {"rating": {"resolved": ok, "stars": stars, "channel": "app"}}
            ev.append((rated_at, "close", resident_id, verdict, "resolved", "closed"))
            closed, state = rated_at, "closed"
        elif resolved + timedelta(days=7) < now:
            closed = resolved + timedelta(days=7, minutes=1)
            ev.append((closed, "close", None, {"not_rated": True}, "resolved", "closed"))
            state = "closed"
    level = "community" if accept_due < now and not accepted else "grid"
    into.cases.append(
        (
            *(case_id, reference, category_id, "基准诉求", "基准", grid_id, "", "normal", "app"),
            *(resident_id, "居民", "", resident_id, state, 2, level, provider, 1),
            *(accept_due, resolve_due, accepted, False, created, ev[-1][0], resolved, closed),
        )
    )
    for at, kind, actor, data, before, after in ev:
        into.events.append((case_id, at, actor, kind, before, after, "", True, json.dumps(data)))


def copy(conn, table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples, None for NULL) into a PostgreSQL table; returns the count."""
    n = 0
    with (
        conn.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out,
    ):
        for row in rows:
            out.write_row(row)
            n += 1
    return n


def write(engine, table: str, columns: list[str], rows: list) -> None:
    """Bulk-write rows: COPY on PostgreSQL, executemany through SQLAlchemy elsewhere."""
    if not rows:
        return
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            copy(raw.driver_connection, table, columns, rows)
            raw.driver_connection.commit()
        finally:
            raw.close()
        return
    statement = text(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    )
    with engine.begin() as conn:
        conn.execute(statement, [_sqlite_row(columns, row) for row in rows])


def _sqlite_row(columns, row) -> dict:
    # The app stores UUIDs as 32 hex digits and times as naive UTC text on SQLite.
    def value(v):
        if isinstance(v, uuid.UUID):
            return v.hex
        if isinstance(v, datetime):
            return v.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        return v

    return {c: value(v) for c, v in zip(columns, row, strict=True)}
