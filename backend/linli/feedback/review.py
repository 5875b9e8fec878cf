"""Party-branch review (党建引领): the queue of cases that need a second look, notes, sign-off.

A case is in the queue while it has a reason to be there and has changed since someone
last marked it reviewed. Notes and sign-offs are case events; neither changes the case.
"""

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select

from linli.accounts.models import Role, User
from linli.accounts.permissions import require_role
from linli.cases.events import record_event
from linli.cases.listing import CaseOrder, keyset_page, searched, summaries
from linli.cases.models import Case, CaseEvent, CaseState, EventKind
from linli.cases.scope import get_case_for, visible_cases
from linli.errors import abort
from linli.escalation.models import Escalation
from linli.escalation.service import is_overdue, overdue_condition
from linli.extensions import db
from linli.feedback.models import Rating
from linli.feedback.service import MID_STARS, UNHAPPY_STARS
from linli.notifications.models import NotificationKind
from linli.notifications.service import dispatchers_of, notify, staff_of_provider

REVIEWERS = (Role.PARTY_REVIEWER, Role.OFFICER, Role.ADMIN)
BOUNCES_TO_REVIEW = 2


class ReviewReason(enum.StrEnum):
    LOW_RATING = "low_rating"  # 1–2 stars or "not resolved", in any cycle
    MID_RATING = "mid_rating"  # exactly 3 stars and resolved: closed, but flagged for review
    OVERDUE = "overdue"
    BOUNCED = "bounced"  # two or more accepted returns
    ESCALATED = "escalated"
    REJECTED = "rejected"


class ReviewKind(enum.StrEnum):
    NOTE = "note"
    REVIEWED = "reviewed"


@dataclass
class ReviewItem:
    case: Case
    reasons: list[ReviewReason]
    last_reviewed_at: datetime | None


def _unhappy():
    return or_(Rating.stars <= UNHAPPY_STARS, Rating.resolved.is_(False))


def _middling():
    return and_(Rating.stars == MID_STARS, Rating.resolved.is_(True))


def _accepted_returns():
    return CaseEvent.action == EventKind.ACCEPT_RETURN


def _reason_conditions(now: datetime) -> dict:
    """Each reason as a condition on Case (correlated: the database filters, not Python)."""
    bounces = (
        select(func.count(CaseEvent.id))
        .where(CaseEvent.case_id == Case.id, _accepted_returns())
        .correlate(Case)
        .scalar_subquery()
    )
    return {
        ReviewReason.LOW_RATING: exists().where(Rating.case_id == Case.id, _unhappy()),
        ReviewReason.MID_RATING: exists().where(Rating.case_id == Case.id, _middling()),
        ReviewReason.OVERDUE: overdue_condition(now),
        ReviewReason.BOUNCED: bounces >= BOUNCES_TO_REVIEW,
        ReviewReason.ESCALATED: exists().where(Escalation.case_id == Case.id),
        ReviewReason.REJECTED: Case.state == CaseState.REJECTED,
    }


def _last_reviewed():
    return (
        select(func.max(CaseEvent.at))
        .where(CaseEvent.case_id == Case.id, CaseEvent.action == EventKind.REVIEWED)
        .correlate(Case)
        .scalar_subquery()
    )


def review_queue(
    actor: User,
    *,
    reasons: list[ReviewReason] | None,
    q: str | None = None,
    order: CaseOrder = CaseOrder.NEWEST,
    limit: int,
    cursor: str | None,
    now: datetime,
) -> tuple[list[ReviewItem], str | None]:
    """Cases in the actor's scope needing review, searched by `q`, in `order` (newest first
    by default), keyset-paginated."""
    require_role(actor, *REVIEWERS)
    conditions = _reason_conditions(now)
    last_reviewed = _last_reviewed()
    query = visible_cases(actor).where(
        or_(*(conditions[r] for r in (reasons or ReviewReason))),
        or_(last_reviewed.is_(None), Case.updated_at > last_reviewed),
    )
    query = searched(query, actor, q)
    page, next_cursor = keyset_page(summaries(query), order, limit=limit, cursor=cursor, rows=True)
    return _items(page, now), next_cursor


def _items(cases, now: datetime) -> list[ReviewItem]:
    """The reasons of a page of cases: one grouped query per kind of fact, not one per case."""
    ids = [c.id for c in cases]
    if not ids:
        return []
    low = set(
        db.session.scalars(
            select(Rating.case_id).where(Rating.case_id.in_(ids), _unhappy()).distinct()
        )
    )
    mid = set(
        db.session.scalars(
            select(Rating.case_id).where(Rating.case_id.in_(ids), _middling()).distinct()
        )
    )
    bounced = set(
        db.session.scalars(
            select(CaseEvent.case_id)
            .where(CaseEvent.case_id.in_(ids), _accepted_returns())
            .group_by(CaseEvent.case_id)
            .having(func.count(CaseEvent.id) >= BOUNCES_TO_REVIEW)
        )
    )
    escalated = set(
        db.session.scalars(select(Escalation.case_id).where(Escalation.case_id.in_(ids)).distinct())
    )
    reviewed = dict(
        db.session.execute(
            select(CaseEvent.case_id, func.max(CaseEvent.at))
            .where(CaseEvent.case_id.in_(ids), CaseEvent.action == EventKind.REVIEWED)
            .group_by(CaseEvent.case_id)
        ).all()
    )
    items = []
    for case in cases:
        facts = {
            ReviewReason.LOW_RATING: case.id in low,
            ReviewReason.MID_RATING: case.id in mid,
            ReviewReason.OVERDUE: is_overdue(case, now),
            ReviewReason.BOUNCED: case.id in bounced,
            ReviewReason.ESCALATED: case.id in escalated,
            ReviewReason.REJECTED: case.state is CaseState.REJECTED,
        }
        items.append(
            ReviewItem(case, [r for r, present in facts.items() if present], reviewed.get(case.id))
        )
    return items


def review_case(
    actor: User, case_id: uuid.UUID, *, kind: ReviewKind, note: str, public: bool, now: datetime
) -> CaseEvent:
    """A reviewer writes a supervision note (the handlers are told) or signs the case off."""
    require_role(actor, *REVIEWERS)
    case = get_case_for(actor, case_id)
    note = note.strip()
    if kind is ReviewKind.NOTE and not note:
        abort(422, "a supervision note needs its text", errors={"note": ["required for a note"]})
    if kind is ReviewKind.REVIEWED and public:
        abort(422, "a sign-off is internal", errors={"public": ["only a note can be public"]})
    event = record_event(
        case,
        EventKind.SUPERVISION_NOTE if kind is ReviewKind.NOTE else EventKind.REVIEWED,
        actor=actor,
        now=now,
        public=public,
        note=note,
    )
    if kind is ReviewKind.NOTE:
        handlers = staff_of_provider(case.provider_id) if case.provider_id else []
        notify(
            [*handlers, *dispatchers_of(case)],
            NotificationKind.SUPERVISION_NOTE,
            case=case,
            now=now,
            note=note,
        )
    db.session.commit()
    return event
