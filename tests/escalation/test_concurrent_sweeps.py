"""Two sweeps at once (two schedulers, or cron overlapping itself) escalate each case once.

Real threads, each in its own app context (so its own session and connection), released
together by a barrier, calling escalate_overdue_cases at the same `now`; real commits.
PostgreSQL shares the work out (FOR UPDATE SKIP LOCKED); SQLite makes the sweeps take
turns (BEGIN IMMEDIATE), so a sweep never reads what another is about to change.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from linli.cases import service as case_service
from linli.cases.models import Case, CaseEvent
from linli.escalation.models import Escalation
from linli.escalation.service import escalate_overdue_cases
from linli.extensions import db
from linli.notifications.models import Notification, NotificationKind
from linli.orgs.models import OrgKind
from tests.factories import build_world
from tests.support import run_at_once

pytestmark = pytest.mark.commits

SWEEPS = 4
CASES = 40
REPORTED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LATE = REPORTED + timedelta(hours=25)


@pytest.fixture
def overdue_cases(app):
    """CASES committed cases in grid A1, all past their accept clock at LATE; the reviewer's id."""
    world = build_world()
    db.session.commit()
    for n in range(CASES):
        case_service.report_case(
            world.resident_a,
            {
                "category": "elderly_care",
                "title": f"助浴 {n}",
                "description": "独居老人",
                "org_id": world.grid_a1.id,
            },
            now=REPORTED + timedelta(seconds=n),
        )
    db.session.commit()
    return world.reviewer_a.id  # read now: the objects are detached once the threads start


def run_sweeps(app, n: int, *, batch_size: int):
    """n sweeps at once at LATE; their SweepResults."""

    def sweep():
        with app.app_context():
            return escalate_overdue_cases(now=LATE, batch_size=batch_size)

    return run_at_once([sweep] * n)


def committed_count(query) -> int:
    db.session.remove()
    return db.session.scalar(query)


@pytest.mark.parametrize("batch_size", [3, 500], ids=["small-batches", "one-batch"])
def test_concurrent_sweeps_escalate_each_overdue_case_exactly_once(app, overdue_cases, batch_size):
    reviewer_id = overdue_cases

    results = run_sweeps(app, SWEEPS, batch_size=batch_size)

    assert sum(r.escalated for r in results) == CASES, results
    assert sum(r.scanned for r in results) == CASES, results
    assert committed_count(select(func.count()).select_from(Escalation)) == CASES
    assert (
        committed_count(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.action == "escalate")
        )
        == CASES
    )
    db.session.remove()
    assert set(db.session.execute(select(Case.escalation_level, Case.version)).all()) == {
        (OrgKind.COMMUNITY, 2)
    }
    reviewer_notes = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == reviewer_id, Notification.kind == NotificationKind.ESCALATED)
    )
    assert committed_count(reviewer_notes) == CASES


def test_a_sweep_after_concurrent_sweeps_finds_nothing_left(app, overdue_cases):
    run_sweeps(app, 2, batch_size=5)
    db.session.remove()
    again = escalate_overdue_cases(now=LATE)
    assert (again.scanned, again.escalated) == (0, 0)
