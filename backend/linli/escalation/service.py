"""SLA clocks and the escalation ladder: grid → community → street → district → city."""

import time as wallclock
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import defer, lazyload

from linli.accounts.models import Role
from linli.audit.service import describe, record_change
from linli.cases.events import event_row
from linli.cases.models import OPEN_STATES, Case, CaseEvent, CaseState, EventKind, Priority
from linli.db import writing_job
from linli.errors import abort
from linli.escalation.calendar import forget_calendar, working_calendar
from linli.escalation.models import Escalation, SlaPolicy
from linli.extensions import db
from linli.notifications.models import Notification, NotificationKind
from linli.notifications.service import notification_rows, reviewers_of, users_at
from linli.orgs.models import OrgKind
from linli.orgs.service import org_at_level

DEFAULT_DURATIONS = {
    Priority.URGENT: (timedelta(hours=2), timedelta(hours=24)),
    Priority.NORMAL: (timedelta(hours=24), timedelta(days=7)),
}
# Not yet accepted by anyone responsible: the accept clock runs.
AWAITING_ACCEPT = (CaseState.SUBMITTED, CaseState.ASSIGNED, CaseState.RETURNED)
CLOCKED_STATES = OPEN_STATES


class EscalationReason:
    ACCEPT_BREACH = "accept_overdue"
    RESOLVE_BREACH = "resolve_overdue"
    BOUNCES = "bounced_three_times"
    NOT_RESOLVED = "resident_not_satisfied"
    REOPENED = "reopened_by_supervisor"
    APPEALED = "appealed"


# --- policies and clocks ------------------------------------------------------------------


def sla_durations(category_id: int, priority: Priority) -> tuple[timedelta, timedelta]:
    """(accept within, resolve within): the category's policy, else the default row, else built-in."""
    policies = db.session.scalars(
        select(SlaPolicy).where(
            SlaPolicy.priority == priority,
            or_(SlaPolicy.category_id == category_id, SlaPolicy.category_id.is_(None)),
        )
    ).all()
    policy = next((p for p in policies if p.category_id is not None), None) or next(
        iter(policies), None
    )
    if policy is None:
        return DEFAULT_DURATIONS[priority]
    return timedelta(minutes=policy.accept_within_minutes), timedelta(
        minutes=policy.resolve_within_minutes
    )


def _due(start: datetime, duration: timedelta) -> datetime:
    """When a clock started at `start` runs out: wall time, or working time with a calendar."""
    calendar = working_calendar()
    return start + duration if calendar is None else calendar.add_working_time(start, duration)


def start_cycle_clocks(case: Case, now: datetime) -> None:
    """A new handling cycle (report or reopen): both clocks start now."""
    # A case being reported has its category object but no category_id until it is flushed.
    category_id = case.category_id if case.category_id is not None else case.category.id
    accept, resolve = sla_durations(category_id, case.priority)
    case.accepted_at = None
    case.accept_due_at = _due(now, accept)
    case.resolve_due_at = _due(now, resolve)


def cycle_clock(case: Case) -> dict:
    """The clocks a cycle started with, for its first event: escalation restarts the case's
    own columns, but a cycle is assessed against what it was given (assessment/)."""
    return {
        "accept_due_at": case.accept_due_at.isoformat(),
        "resolve_due_at": case.resolve_due_at.isoformat(),
    }


def is_overdue(case: Case, now: datetime) -> bool:
    if case.state not in CLOCKED_STATES or case.resolve_due_at is None:
        return False
    accept_late = (
        case.state in AWAITING_ACCEPT and case.accepted_at is None and (case.accept_due_at < now)
    )
    return accept_late or case.resolve_due_at < now


def overdue_condition(now: datetime):
    """The SQL form of is_overdue (the sweep and the queues use it; each branch has its index)."""
    return or_(
        and_(Case.state.in_(AWAITING_ACCEPT), Case.accepted_at.is_(None), Case.accept_due_at < now),
        and_(Case.state.in_(CLOCKED_STATES), Case.resolve_due_at < now),
    )


# --- climbing the ladder ------------------------------------------------------------------


class Ladder:
    """Works out what climbs write. Keeps what a sweep asks again and again (SLA durations,
    the org chain above a case, who is told) as plain values for as long as it lives."""

    def __init__(self):
        self._durations: dict[tuple[int, Priority], tuple[timedelta, timedelta]] = {}
        self._recipients: dict[tuple[int, OrgKind], list[int]] = {}

    def durations(self, case: Case) -> tuple[timedelta, timedelta]:
        key = (case.category_id, case.priority)
        if key not in self._durations:
            self._durations[key] = sla_durations(*key)
        return self._durations[key]

    def recipients(self, case: Case, level: OrgKind) -> list[int]:
        """The officers of the case's org node at `level`, and its community's party
        reviewers (asked once per org node and level)."""
        key = (case.org_id, level)
        if key not in self._recipients:
            level_org = org_at_level(case.org, level)
            officers = users_at(level_org.id, Role.OFFICER) if level_org else []
            self._recipients[key] = [u.id for u in officers + reviewers_of(case)]
        return self._recipients[key]

    def restarted_clock(self, case: Case, now: datetime) -> tuple[str, dict]:
        """The breach and the fresh clock the new level gets for it: (reason, column changes)."""
        accept, resolve = self.durations(case)
        if case.state in AWAITING_ACCEPT and case.accepted_at is None and case.accept_due_at < now:
            accept_due = _due(now, accept)
            changes = {"accept_due_at": accept_due, "resolve_due_at": case.resolve_due_at}
            if case.resolve_due_at < accept_due:
                changes["resolve_due_at"] = _due(now, resolve)
            return EscalationReason.ACCEPT_BREACH, changes
        return EscalationReason.RESOLVE_BREACH, {
            "accept_due_at": case.accept_due_at,
            "resolve_due_at": _due(now, resolve),
        }

    def climb(
        self, case: Case, reason: str, *, now: datetime, actor_id: int | None, rows: "ClimbRows"
    ) -> dict:
        """One rung up: adds what that writes (escalation, event, notices) to `rows` and
        returns the case's column changes (the caller applies them)."""
        from_level, to_level = case.escalation_level, case.escalation_level.one_level_up()
        rows.escalations.append(
            dict(
                case_id=case.id,
                cycle=case.cycle,
                from_level=from_level,
                to_level=to_level,
                reason=reason,
                at=now,
            )
        )
        rows.events.append(
            event_row(
                case,
                EventKind.ESCALATE,
                actor_id=actor_id,
                now=now,
                public=True,
                data={"reason": reason, "from_level": from_level.value, "to_level": to_level.value},
            )
        )
        reporter = [case.reporter_id] if case.reporter_id is not None else []
        rows.notifications += notification_rows(
            self.recipients(case, to_level) + reporter,
            NotificationKind.ESCALATED,
            case=case,
            now=now,
            level=to_level.value,
            reason=reason,
        )
        return {"escalation_level": to_level, "updated_at": now}


@dataclass
class ClimbRows:
    """Rows of a batch of climbs, written with one INSERT per table."""

    escalations: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    notifications: list[dict] = field(default_factory=list)

    def write(self) -> None:
        for model, rows in (
            (Escalation, self.escalations),
            (CaseEvent, self.events),
            (Notification, self.notifications),
        ):
            if rows:
                db.session.execute(insert(model.__table__), rows)


def _already_reached(cases: list[Case]) -> set[tuple]:
    """(case id, cycle, level) of the climbs these cases have made."""
    rows = db.session.execute(
        select(Escalation.case_id, Escalation.cycle, Escalation.to_level).where(
            Escalation.case_id.in_([c.id for c in cases])
        )
    )
    return {tuple(row) for row in rows}


def escalate_case(case: Case, reason: str, *, now: datetime, actor=None) -> bool:
    """Raise the case one level, once per cycle and level; tell that level and the community.

    Returns False when the case is already at the top or already reached that level.
    """
    if case.escalation_level is OrgKind.CITY:
        return False
    if (case.id, case.cycle, case.escalation_level.one_level_up()) in _already_reached([case]):
        return False
    rows = ClimbRows()
    changes = Ladder().climb(case, reason, now=now, actor_id=actor.id if actor else None, rows=rows)
    for column, value in changes.items():
        setattr(case, column, value)
    db.session.flush()  # the case's own changes before the rows that follow them
    rows.write()
    return True


@dataclass
class SweepResult:
    scanned: int = 0
    escalated: int = 0
    seconds: float = 0.0


def claim_overdue(now: datetime, batch_size: int):
    """The sweep's claim: a batch of overdue cases below the top, locked, skipping locked ones."""
    return (
        select(Case)
        .options(lazyload("*"), defer(Case.supporters), defer(Case.description))
        .where(overdue_condition(now), Case.escalation_level != OrgKind.CITY)
        .order_by(Case.resolve_due_at)
        .limit(batch_size)
        .with_for_update(skip_locked=True, of=Case)
    )


def escalate_overdue_cases(*, now: datetime, batch_size: int = 1000) -> SweepResult:
    """One sweep: every overdue case below the top climbs one level. Idempotent.

    Rows are claimed with FOR UPDATE SKIP LOCKED (PostgreSQL), so two sweeps running at
    once share the work instead of doing it twice (SQLite: sweeps take the write lock in
    turn); the unique (case, cycle, level) row is the last guard. Work is batched: one
    claim, one UPDATE and one INSERT per table for each batch.
    """
    started = wallclock.perf_counter()
    result = SweepResult()
    ladder = Ladder()
    forget_calendar()  # the scheduler's app context outlives sweeps: this sweep's calendar
    with writing_job():
        while True:
            claimed = db.session.scalars(claim_overdue(now, batch_size)).all()
            if not claimed:
                db.session.commit()  # end the last (empty) claim: hold no lock between sweeps
                break
            reached = _already_reached(claimed)
            rows, updates = ClimbRows(), []
            for case in claimed:
                result.scanned += 1
                reason, changes = ladder.restarted_clock(case, now)
                changes.update(
                    case_id=case.id,
                    version=case.version + 1,
                    escalation_level=case.escalation_level,
                    updated_at=now,
                )
                if (case.id, case.cycle, case.escalation_level.one_level_up()) not in reached:
                    changes.update(ladder.climb(case, reason, now=now, actor_id=None, rows=rows))
                    result.escalated += 1
                updates.append(changes)
            # The claimed rows are locked (or the write lock is held): update them by key at once.
            cases = Case.__table__
            db.session.execute(update(cases).where(cases.c.id == bindparam("case_id")), updates)
            rows.write()
            db.session.commit()
    result.seconds = wallclock.perf_counter() - started
    return result


# --- admin -----------------------------------------------------------------------------------


def list_policies() -> list[SlaPolicy]:
    return list(
        db.session.scalars(select(SlaPolicy).order_by(SlaPolicy.category_id, SlaPolicy.priority))
    )


def set_policy(
    *,
    category_id: int | None,
    priority: Priority,
    accept_within_minutes: int,
    resolve_within_minutes: int,
    actor,
    now: datetime,
) -> SlaPolicy:
    """Create or change the policy for a category × priority (applies to clocks started later)."""
    if accept_within_minutes > resolve_within_minutes:
        abort(
            422,
            "accepting cannot take longer than resolving",
            errors={"accept_within_minutes": ["must not exceed resolve_within_minutes"]},
        )
    policy = db.session.scalar(
        select(SlaPolicy).where(
            SlaPolicy.category_id.is_(None)
            if category_id is None
            else SlaPolicy.category_id == category_id,
            SlaPolicy.priority == priority,
        )
    )
    before = None if policy is None else describe(policy)
    if policy is None:
        policy = SlaPolicy(category_id=category_id, priority=priority)
        db.session.add(policy)
    policy.accept_within_minutes = accept_within_minutes
    policy.resolve_within_minutes = resolve_within_minutes
    policy.updated_at = now
    record_change(actor, policy, before, now=now)
    db.session.commit()
    return policy
