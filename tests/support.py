"""Helpers shared by the tests (problem-details checks, row counts, times, timelines).

The fixtures they use (`drive`, `fetch`, `make_provider`, `auto_routing`, `sweep`, …) are
in tests/conftest.py.
"""

import contextlib
import threading
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from linli.cases.models import Case, CaseEvent
from linli.escalation.models import Escalation
from linli.extensions import api, db, limiter
from linli.notifications.models import Notification
from linli.routing.models import CoTask, Provider

PROBLEM = "application/problem+json"
API = "/api/v1"
CASES = f"{API}/cases"


def assert_problem(response, status: int, field: str | None = None) -> dict:
    """The response is an RFC 9457 problem with this status (and an error for `field`).

    The body is returned without its `request_id` (each answer's own, random; tests/ops
    checks it), so that two answers can be compared whole.
    """
    body = response.get_json(force=True)
    assert response.status_code == status, body
    assert response.mimetype == PROBLEM, response.mimetype
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body.pop("request_id", None), body
    assert body["status"] == status
    if field is not None:
        assert field in body.get("errors", {}), body
    return body


def settle() -> None:
    """End the last request's unit of work the way the app's teardown does (a rollback).

    Requests from the test thread share its session, so a refused request's uncommitted
    changes would otherwise linger in it; what a real request leaves behind is what it
    committed, and that is what a "nothing written" check must look at.
    """
    db.session.rollback()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def snapshot() -> dict:
    """Row counts of everything the issue 3 endpoints write, plus each case's version and state."""
    settle()
    counts = {
        m.__name__: count(m) for m in (Case, CaseEvent, CoTask, Escalation, Notification, Provider)
    }
    counts["cases"] = sorted(
        (str(i), s.value, v, p)
        for i, s, v, p in db.session.execute(
            select(Case.id, Case.state, Case.version, Case.provider_id)
        )
    )
    counts["providers"] = sorted(
        (p.id, p.name, p.capacity, p.active, p.contact)
        for p in db.session.scalars(select(Provider))
    )
    return counts


def case_row(case: dict) -> Case:
    """The case as stored now (fresh from the database)."""
    db.session.expire_all()
    return db.session.get(Case, uuid.UUID(case["id"]))


def events_of(case: dict, *actions: str) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == uuid.UUID(case["id"]))
    if actions:
        query = query.where(CaseEvent.action.in_(actions))
    return list(db.session.scalars(query.order_by(CaseEvent.id)))


def inbox_of(user, kind=None, case: dict | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    if case is not None:
        query = query.where(Notification.case_id == uuid.UUID(case["id"]))
    return list(db.session.scalars(query.order_by(Notification.id)))


def at(text: str) -> datetime:
    """A datetime from the API's ISO 8601."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def later(days: float = 2) -> str:
    """A deadline in the future, as the API takes it."""
    return iso(datetime.now(UTC) + timedelta(days=days))


def run_at_once(calls: list) -> list:
    """Run each zero-argument callable in its own thread, released together by a barrier;
    their results in order. An exception in any thread fails the calling test."""
    # Requests made from the test's thread share its app context, so its session (and on
    # SQLite the write lock of its last write) would still be open: end it first.
    db.session.remove()
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    done = [False] * len(calls)
    errors: list[BaseException] = []

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
            done[index] = True
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert all(done), "a thread did not finish"
    return results


@contextlib.contextmanager
def own_apps():
    """Lets a test call create_app for apps of its own (another worker, another database).

    The limiter and flask-smorest's Api are single objects that each create_app binds to its
    app; the session app gets them back afterwards, or later tests would count their rate
    limits in the other app's storage.
    """
    saved = limiter._storage, limiter._limiter, api._app
    try:
        yield
    finally:
        limiter._storage, limiter._limiter, api._app = saved


# --- migrations, from an earlier revision with data in it ------------------------------------

ONE_CASE_ID = "0123456789abcdef0123456789abcdef"


def migrated_app(tmp_path, name: str):
    """An app on its own, empty SQLite file (call inside `own_apps()`)."""
    from linli import create_app

    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}",
        }
    )


def upgraded_to(app, revision: str):
    """Upgrade `app`'s database to `revision`; returns the Alembic config for what follows."""
    from alembic import command

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, revision)
    return config


def insert_one_case(conn) -> None:
    """The rows one case needs, as the early revisions knew them: an org, a category, a
    resident (id 1) and their submitted case ONE_CASE_ID."""
    for statement in (
        "INSERT INTO orgs (id, kind, code, name, name_en, path) "
        "VALUES (1, 'community', 'c', '社区', '', '/1/')",
        "INSERT INTO categories (id, code, name_zh, name_en, icon, active, sort_order) "
        "VALUES (1, 'other', '其他', 'Other', '', 1, 1)",
        "INSERT INTO users (id, username, display_name, password_hash, role, org_id, "
        "active, created_at) VALUES (1, 'r', 'R', 'x', 'resident', 1, 1, '2026-01-01')",
        "INSERT INTO cases (id, reference, category_id, title, description, org_id, "
        "address, priority, channel, created_by_id, reporter_id, reporter_name, reporter_phone, "
        "state, escalation_level, cycle, version, unmet_need, created_at, updated_at) "
        f"VALUES ('{ONE_CASE_ID}', 'LL-2026-000001', 1, 't', 'd', 1, "
        "'', 'normal', 'app', 1, 1, '', '', 'submitted', 'community', 1, 1, 0, "
        "'2026-01-01', '2026-01-01')",
    ):
        conn.execute(text(statement))
