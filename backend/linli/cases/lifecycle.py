"""The case lifecycle: one transition table, and the one function that applies it.

Nothing else writes `Case.state`. Each transition checks role, state and version, makes
the change, appends one event and tells the people concerned, all in the caller's
transaction.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from linli.accounts.models import Role, User
from linli.cases.events import record_event
from linli.cases.models import Case, CaseEvent, CaseState, EventKind
from linli.db import utcnow
from linli.errors import abort
from linli.escalation.service import (
    EscalationReason,
    cycle_clock,
    escalate_case,
    start_cycle_clocks,
)
from linli.extensions import db
from linli.notifications.models import NotificationKind
from linli.notifications.service import (
    dispatchers_of,
    handlers_of,
    notify,
    reviewers_of,
    staff_of_provider,
)
from linli.routing.models import CoTask, CoTaskState, Provider

BOUNCES_PER_ESCALATION = 3


class Action(enum.StrEnum):
    ASSIGN = "assign"
    ACCEPT = "accept"
    RETURN = "return"
    ACCEPT_RETURN = "accept_return"
    REFUSE_RETURN = "refuse_return"
    COORDINATE = "coordinate"
    RESOLVE = "resolve"
    REJECT = "reject"
    REOPEN = "reopen"
    CLOSE = "close"
    APPEAL = "appeal"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Transition:
    to: CaseState
    roles: frozenset[Role]
    requires: str | None = None  # the input (body field) this action cannot do without
    public: bool = True  # whether the resident sees the event in their timeline


R = Role
ROUTERS = frozenset({R.DISPATCHER, R.GRID_WORKER, R.OFFICER, R.ADMIN})
PROVIDER = frozenset({R.PROVIDER_STAFF})
SUPERVISORS = frozenset({R.DISPATCHER, R.OFFICER, R.PARTY_REVIEWER, R.ADMIN})
COORDINATORS = frozenset({R.DISPATCHER, R.OFFICER, R.ADMIN})
S = CaseState
PROVIDER_FIELDS = ("provider_id", "lead_provider_id")  # assign names a provider, coordinate a lead

TRANSITIONS: dict[tuple[CaseState, Action], Transition] = {
    (S.SUBMITTED, Action.ASSIGN): Transition(S.ASSIGNED, ROUTERS, requires="provider_id"),
    (S.ASSIGNED, Action.ASSIGN): Transition(S.ASSIGNED, ROUTERS, requires="provider_id"),
    (S.IN_PROGRESS, Action.ASSIGN): Transition(S.ASSIGNED, ROUTERS, requires="provider_id"),
    (S.ASSIGNED, Action.ACCEPT): Transition(S.IN_PROGRESS, PROVIDER),
    # "Not ours": the provider returns with a reason; the dispatcher accepts (a bounce, and
    # the case is routed again) or refuses (the provider keeps it).
    (S.ASSIGNED, Action.RETURN): Transition(S.RETURNED, PROVIDER, "reason", public=False),
    (S.IN_PROGRESS, Action.RETURN): Transition(S.RETURNED, PROVIDER, "reason", public=False),
    (S.RETURNED, Action.ACCEPT_RETURN): Transition(S.SUBMITTED, ROUTERS, public=False),
    (S.RETURNED, Action.REFUSE_RETURN): Transition(S.ASSIGNED, ROUTERS, "reason", public=False),
    # Joint handling (吹哨报到): a lead unit takes the case, co-units get tasks.
    (S.SUBMITTED, Action.COORDINATE): Transition(S.ASSIGNED, COORDINATORS, "lead_provider_id"),
    (S.ASSIGNED, Action.COORDINATE): Transition(S.ASSIGNED, COORDINATORS, "lead_provider_id"),
    (S.IN_PROGRESS, Action.COORDINATE): Transition(S.IN_PROGRESS, COORDINATORS, "lead_provider_id"),
    (S.IN_PROGRESS, Action.RESOLVE): Transition(S.RESOLVED, PROVIDER, requires="note"),
    (S.SUBMITTED, Action.REJECT): Transition(
        S.REJECTED, frozenset({R.DISPATCHER, R.GRID_WORKER, R.ADMIN}), requires="reason"
    ),
    (S.RESOLVED, Action.REOPEN): Transition(S.ASSIGNED, SUPERVISORS | {R.RESIDENT}),
    (S.CLOSED, Action.REOPEN): Transition(
        S.ASSIGNED, frozenset({R.OFFICER, R.PARTY_REVIEWER, R.ADMIN})
    ),
    # The party branch (or an officer) disagrees with a rejection: back to triage, a new
    # cycle at the same level; the rejection and its reason stay on the timeline.
    (S.REJECTED, Action.REOPEN): Transition(
        S.SUBMITTED, frozenset({R.OFFICER, R.PARTY_REVIEWER, R.ADMIN})
    ),
    (S.RESOLVED, Action.CLOSE): Transition(
        S.CLOSED, frozenset({R.RESIDENT, R.DISPATCHER, R.OFFICER, R.ADMIN})
    ),
    # The reporter disputes the closing, once, within the appeal window: handled again one
    # level up, like a "not resolved" rating.
    (S.CLOSED, Action.APPEAL): Transition(S.ASSIGNED, frozenset({R.RESIDENT}), "reason"),
    # The reporter takes the report back (撤回) while no unit has accepted it (why_not_now):
    # closed as withdrawn, as 12345 closes a 撤单, owing nothing from then on
    # (assessment/facts.py), neither appealed nor reopened.
    (S.SUBMITTED, Action.WITHDRAW): Transition(S.CLOSED, frozenset({R.RESIDENT})),
    (S.ASSIGNED, Action.WITHDRAW): Transition(S.CLOSED, frozenset({R.RESIDENT})),
}

ROLES_FOR_ACTION: dict[Action, frozenset[Role]] = {
    action: frozenset().union(*(t.roles for (_, a), t in TRANSITIONS.items() if a is action))
    for action in Action
}


def allowed_actions(case: Case, actor: User, now: datetime | None = None) -> list[Action]:
    """What `actor` may do to `case` now (the case is assumed to be in the actor's scope)."""
    now = now or utcnow()
    return [
        action
        for (state, action), transition in TRANSITIONS.items()
        if state is case.state
        and may_take(transition, case, actor)
        and why_not_now(case, action, now) is None
    ]


def may_take(transition: Transition, case: Case, actor: User, *, for_reporter=False) -> bool:
    """Whether `actor` holds a role for `transition` on this very case.

    A resident acts only on their own case (not on one they +1'd); provider staff only on
    cases their unit leads (not on those where it holds a co-task). `for_reporter`: the
    actor enters the reporter's own verdict (a rating; feedback/service.py decided they
    may), so the transition is checked as the reporter's.
    """
    if for_reporter:
        return Role.RESIDENT in transition.roles
    if actor.role is Role.RESIDENT and case.reporter_id != actor.id:
        return False
    if actor.role is Role.PROVIDER_STAFF and case.provider_id != actor.provider_id:
        return False
    return actor.role in transition.roles


def appeal_window() -> timedelta:
    return timedelta(days=current_app.config["APPEAL_WINDOW_DAYS"])


def appeal_due_at(case: Case) -> datetime | None:
    """Until when the reporter may appeal this case; None when they may not (any more)."""
    if (
        case.state is not CaseState.CLOSED
        or case.appealed_at
        or case.withdrawn_at
        or case.closed_at is None
    ):
        return None
    return case.closed_at + appeal_window()


def why_not_now(case: Case, action: Action, now: datetime) -> str | None:
    """A rule of time or count that keeps an allowed action from being taken now (no queries)."""
    if action in (Action.APPEAL, Action.REOPEN) and case.withdrawn_at is not None:
        return "the reporter withdrew this case"
    if action is Action.APPEAL:
        if case.appealed_at is not None:
            return "this case has been appealed once already"
        if now > appeal_due_at(case):
            return f"the {appeal_window().days}-day appeal window has passed"
    if action is Action.WITHDRAW and case.accepted_at is not None:
        return "a unit has accepted this case; it can no longer be withdrawn"
    return None


class VersionConflict(Exception):
    """The client acted on a version of the case that is no longer current."""

    def __init__(self, case_id):
        super().__init__(f"case {case_id} has changed")
        self.case_id = case_id


def apply_transition(
    case: Case,
    action: Action,
    *,
    actor: User | None,
    now: datetime,
    expected_version: int | None = None,
    note: str = "",
    provider: Provider | None = None,
    data: dict | None = None,
    for_reporter: bool = False,
) -> CaseEvent:
    """Move `case` by `action`; the only writer of Case.state. `actor=None` is the system;
    `for_reporter`: the actor enters the reporter's verdict (see may_take)."""
    if actor is not None and not for_reporter and actor.role not in ROLES_FOR_ACTION[action]:
        abort(403, f"a {actor.role} cannot {action} a case")
    if expected_version is not None and expected_version != case.version:
        raise VersionConflict(case.id)
    transition = TRANSITIONS.get((case.state, action))
    if transition is None:
        allowed = [a.value for a in allowed_actions(case, actor)] if actor else []
        abort(
            422,
            f"cannot {action} a case that is {case.state}",
            type_="https://linli.example.org/problems/transition-not-allowed",
            state=case.state.value,
            allowed_actions=allowed,
        )
    if actor is not None and not may_take(transition, case, actor, for_reporter=for_reporter):
        abort(403, f"a {actor.role} cannot {action} a case that is {case.state}")
    if (refusal := why_not_now(case, action, now)) is not None:
        abort(
            422,
            refusal,
            type_="https://linli.example.org/problems/transition-not-allowed",
            state=case.state.value,
            allowed_actions=[a.value for a in allowed_actions(case, actor, now)] if actor else [],
        )
    if transition.requires in PROVIDER_FIELDS:
        if provider is None:
            abort(
                422, "choose a provider", errors={transition.requires: [f"required for {action}"]}
            )
        if not provider.active:
            abort(
                422,
                "that provider is not active",
                errors={transition.requires: ["inactive provider"]},
            )
    if transition.requires in ("reason", "note") and not note.strip():
        field = transition.requires
        abort(422, f"{action} needs a {field}", errors={field: [f"required for {action}"]})

    from_state, from_provider_id = case.state, case.provider_id
    case.version += 1
    _apply_effects(case, action, now=now, provider=provider, target=transition.to)
    case.state = transition.to
    case.updated_at = now
    if action in (Action.ASSIGN, Action.COORDINATE):
        data = {**(data or {}), "provider_id": provider.id}  # who holds it from now (assessment/)
    elif action is Action.ACCEPT_RETURN:
        data = {**(data or {}), "bounced_provider_id": from_provider_id}
    elif action in (Action.REOPEN, Action.APPEAL):
        data = {**(data or {}), "clock": cycle_clock(case)}  # the new cycle's clocks
    event = record_event(
        case,
        EventKind(action),
        actor=actor,
        now=now,
        public=transition.public,
        note=note,
        data=data,
        from_state=from_state,
        to_state=transition.to,
    )
    _follow_up(
        case,
        action,
        actor=actor,
        now=now,
        note=note.strip(),
        provider_changed=case.provider_id != from_provider_id,
        verdict=for_reporter or (actor is not None and actor.role is Role.RESIDENT),
    )
    return event


def _apply_effects(
    case: Case, action: Action, *, now: datetime, provider: Provider | None, target: CaseState
) -> None:
    if action in (Action.ASSIGN, Action.COORDINATE):
        if provider.id != case.provider_id:
            case.provider_id = provider.id
            if target is CaseState.ASSIGNED:
                case.accepted_at = None  # a new unit has to accept; the resident's clock runs on
    elif action is Action.ACCEPT:
        case.accepted_at = case.accepted_at or now
    elif action is Action.ACCEPT_RETURN:
        case.provider_id = None
        case.accepted_at = None
    elif action is Action.RESOLVE:
        # A returned task was declined (the dispatchers were told); only work under way blocks.
        unfinished = db.session.scalars(
            select(CoTask.id)
            .where(
                CoTask.case_id == case.id,
                CoTask.state.in_((CoTaskState.OPEN, CoTaskState.ACCEPTED)),
            )
            .order_by(CoTask.id)
        ).all()
        if unfinished:
            abort(
                422,
                "the co-units have not all finished their tasks",
                type_="https://linli.example.org/problems/co-tasks-open",
                open_tasks=unfinished,
            )
        case.resolved_at = now
    elif action in (Action.REOPEN, Action.APPEAL):
        # Re-handling starts a new cycle (fresh clocks) with the same provider, a level up
        # (a rejected case has no provider and goes back to triage at its level).
        if action is Action.APPEAL:
            case.appealed_at = now
        case.cycle += 1
        case.resolved_at = None
        case.closed_at = None
        start_cycle_clocks(case, now)
    elif action is Action.CLOSE:
        case.closed_at = now
    elif action is Action.WITHDRAW:
        case.closed_at = case.withdrawn_at = now


def bounce_count(case: Case) -> int:
    """Accepted returns of this case (flushed or pending in this transaction)."""
    db.session.flush()
    return db.session.scalar(
        select(func.count(CaseEvent.id)).where(
            CaseEvent.case_id == case.id, CaseEvent.action == EventKind.ACCEPT_RETURN
        )
    )


def _follow_up(
    case: Case,
    action: Action,
    *,
    actor: User | None,
    now: datetime,
    note: str,
    provider_changed: bool,
    verdict: bool,
) -> None:
    """What a transition sets off: notifications, and the climbs the ladder asks for."""
    if action in (Action.ASSIGN, Action.COORDINATE, Action.REFUSE_RETURN) and (
        provider_changed or action is Action.REFUSE_RETURN
    ):
        notify(
            staff_of_provider(case.provider_id),
            NotificationKind.ASSIGNED,
            case=case,
            now=now,
            note=note,
        )
    elif action is Action.ACCEPT and case.reporter_id is not None:
        notify([case.reporter], NotificationKind.ACCEPTED, case=case, now=now)
    elif action is Action.RETURN:
        notify(dispatchers_of(case), NotificationKind.RETURNED, case=case, now=now, reason=note)
    elif action is Action.ACCEPT_RETURN and bounce_count(case) % BOUNCES_PER_ESCALATION == 0:
        escalate_case(case, EscalationReason.BOUNCES, now=now, actor=actor)
    elif action is Action.REJECT:
        notify(
            reviewers_of(case), NotificationKind.REVIEW_REQUESTED, case=case, now=now, reason=note
        )
    elif action is Action.RESOLVE and case.reporter_id is not None:
        notify([case.reporter], NotificationKind.RESOLVED, case=case, now=now, note=note)
    elif action is Action.REOPEN and case.state is not CaseState.SUBMITTED:
        reason = EscalationReason.NOT_RESOLVED if verdict else EscalationReason.REOPENED
        escalate_case(case, reason, now=now, actor=actor)
    elif action is Action.APPEAL:
        escalate_case(case, EscalationReason.APPEALED, now=now, actor=actor)
    elif action is Action.WITHDRAW:
        notify(handlers_of(case), NotificationKind.WITHDRAWN, case=case, now=now)
