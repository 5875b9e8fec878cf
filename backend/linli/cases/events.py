"""The case event log's one writer: every change to a case appends one event through here."""

from datetime import datetime

from linli.accounts.models import User
from linli.cases.models import Case, CaseEvent, CaseState, EventKind
from linli.extensions import db

SAME = object()  # a state argument left out: the case's own (an event that does not move it)


def event_row(
    case: Case,
    kind: EventKind,
    *,
    actor_id: int | None,
    now: datetime,
    public: bool,
    note: str = "",
    data: dict | None = None,
    from_state: CaseState | None = SAME,
    to_state: CaseState | None = SAME,
) -> dict:
    """The columns of one event; for batches written with one INSERT (the escalation sweep)."""
    return dict(
        case_id=case.id,
        at=now,
        actor_id=actor_id,
        action=EventKind(kind),
        from_state=case.state if from_state is SAME else from_state,
        to_state=case.state if to_state is SAME else to_state,
        note=note.strip(),
        public=public,
        data=data or {},
    )


def record_event(
    case: Case, kind: EventKind, *, actor: User | None, now: datetime, public: bool, **details
) -> CaseEvent:
    """Append one event to the case's timeline, in the caller's transaction."""
    event = CaseEvent(
        **event_row(
            case, kind, actor_id=actor.id if actor else None, now=now, public=public, **details
        )
    )
    db.session.add(event)
    return event
