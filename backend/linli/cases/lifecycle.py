"""The case lifecycle: one transition table, and the one function that applies it.

Nothing else writes `Case.state`. Each transition checks role, state and version, makes
the change and appends one event, all in the caller's transaction.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from linli.accounts.models import Role, User
from linli.cases.models import Case, CaseEvent, CaseState
from linli.errors import abort
from linli.extensions import db
from linli.routing.models import Provider


class Action(enum.StrEnum):
    ASSIGN = "assign"
    ACCEPT = "accept"
    RETURN = "return"
    RESOLVE = "resolve"
    REJECT = "reject"
    REOPEN = "reopen"
    CLOSE = "close"


@dataclass(frozen=True)
class Transition:
    to: CaseState
    roles: frozenset[Role]
    requires: str | None = None  # the input this action cannot do without
    public: bool = True  # whether the resident sees the event in their timeline


R = Role
ROUTERS = frozenset({R.DISPATCHER, R.GRID_WORKER, R.OFFICER, R.ADMIN})
PROVIDER = frozenset({R.PROVIDER_STAFF})
SUPERVISORS = frozenset({R.DISPATCHER, R.OFFICER, R.PARTY_REVIEWER, R.ADMIN})
S = CaseState

TRANSITIONS: dict[tuple[CaseState, Action], Transition] = {
    (S.SUBMITTED, Action.ASSIGN): Transition(S.ASSIGNED, ROUTERS, requires="provider_id"),
    (S.ASSIGNED, Action.ASSIGN): Transition(S.ASSIGNED, ROUTERS, requires="provider_id"),
    (S.IN_PROGRESS, Action.ASSIGN): Transition(S.ASSIGNED, ROUTERS, requires="provider_id"),
    (S.ASSIGNED, Action.ACCEPT): Transition(S.IN_PROGRESS, PROVIDER),
    (S.ASSIGNED, Action.RETURN): Transition(S.SUBMITTED, PROVIDER, "reason", public=False),
    (S.IN_PROGRESS, Action.RETURN): Transition(S.SUBMITTED, PROVIDER, "reason", public=False),
    (S.IN_PROGRESS, Action.RESOLVE): Transition(S.RESOLVED, PROVIDER, requires="note"),
    (S.SUBMITTED, Action.REJECT): Transition(
        S.REJECTED, frozenset({R.DISPATCHER, R.GRID_WORKER, R.ADMIN}), requires="reason"
    ),
    (S.RESOLVED, Action.REOPEN): Transition(S.ASSIGNED, SUPERVISORS | {R.RESIDENT}),
    (S.CLOSED, Action.REOPEN): Transition(
        S.ASSIGNED, frozenset({R.OFFICER, R.PARTY_REVIEWER, R.ADMIN})
    ),
    (S.RESOLVED, Action.CLOSE): Transition(
        S.CLOSED, frozenset({R.RESIDENT, R.DISPATCHER, R.OFFICER, R.ADMIN})
    ),
}

ROLES_FOR_ACTION: dict[Action, frozenset[Role]] = {
    action: frozenset().union(*(t.roles for (_, a), t in TRANSITIONS.items() if a is action))
    for action in Action
}


def allowed_actions(case: Case, actor: User) -> list[Action]:
    """What `actor` may do to `case` now (the case is assumed to be in the actor's scope)."""
    return [
        action
        for (state, action), transition in TRANSITIONS.items()
        if state is case.state and may_take(transition, case, actor)
    ]


def may_take(transition: Transition, case: Case, actor: User) -> bool:
    """Whether `actor` holds a role for `transition`; a resident acts only on their own case."""
    if actor.role is Role.RESIDENT and case.reporter_id != actor.id:
        return False  # e.g. a neighbour who only +1'd it
    return actor.role in transition.roles


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
) -> CaseEvent:
    """Move `case` by `action`; the only writer of Case.state. `actor=None` is the system."""
    if actor is not None and actor.role not in ROLES_FOR_ACTION[action]:
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
    if actor is not None and not may_take(transition, case, actor):
        abort(403, f"a {actor.role} cannot {action} a case that is {case.state}")
    if transition.requires == "provider_id" and provider is None:
        abort(422, "choose a provider", errors={"provider_id": ["required for assign"]})
    if transition.requires in ("reason", "note") and not note.strip():
        field = transition.requires
        abort(422, f"{action} needs a {field}", errors={field: [f"required for {action}"]})

    from_state = case.state
    _apply_effects(case, action, now=now, provider=provider)
    case.state = transition.to
    case.updated_at = now
    event = CaseEvent(
        case_id=case.id,
        at=now,
        actor_id=actor.id if actor else None,
        action=action.value,
        from_state=from_state,
        to_state=transition.to,
        note=note.strip(),
        public=transition.public,
        data=data or {},
    )
    db.session.add(event)
    return event


def _apply_effects(case: Case, action: Action, *, now: datetime, provider: Provider | None) -> None:
    if action is Action.ASSIGN:
        if not provider.active:
            abort(422, "that provider is not active", errors={"provider_id": ["inactive provider"]})
        case.provider_id = provider.id
    elif action is Action.RETURN:
        case.provider_id = None
    elif action is Action.RESOLVE:
        case.resolved_at = now
    elif action is Action.REOPEN:
        # Re-handling climbs one rung and starts a new cycle with the same provider.
        case.escalation_level = case.escalation_level.one_level_up()
        case.cycle += 1
        case.resolved_at = None
        case.closed_at = None
    elif action is Action.CLOSE:
        case.closed_at = now
