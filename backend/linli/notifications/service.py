"""Inbox verbs: who hears about what, and reading one's own inbox."""

from datetime import datetime

from sqlalchemy import func, insert, select, update

from linli.accounts.models import Role, User
from linli.db import get_by_int_id
from linli.errors import abort
from linli.extensions import db
from linli.notifications.delivery import expect_delivery, reachable
from linli.notifications.models import DeliveryState, Notification, NotificationKind
from linli.orgs.models import OrgKind
from linli.orgs.service import org_at_level


def notification_rows(
    user_ids, kind: NotificationKind, *, case=None, now: datetime, **data
) -> list[dict]:
    """One inbox row per user (each user once); `data` is what the app needs for the text.

    The rows of users a channel reaches are pending delivery: once the caller's transaction
    commits, they go out by push or SMS (notifications/delivery.py).
    """
    user_ids = list(dict.fromkeys(user_ids))
    reached = reachable(user_ids, kind)
    if reached:
        expect_delivery()
    if case is not None:
        data.setdefault("reference", case.reference)
        data.setdefault("title", case.title)
    return [
        dict(
            user_id=user_id,
            kind=kind,
            case_id=case.id if case else None,
            data=data,
            created_at=now,
            delivery_state=(
                DeliveryState.PENDING if user_id in reached else DeliveryState.NOT_REQUIRED
            ),
            delivery_channel="",
            delivery_attempts=0,
        )
        for user_id in user_ids
    ]


def notify(
    users, kind: NotificationKind, *, case=None, now: datetime, **data
) -> list[Notification]:
    """Put one notification in each user's inbox, in the caller's transaction."""
    rows = notification_rows([u.id for u in users], kind, case=case, now=now, **data)
    if not rows:
        return []
    return list(db.session.scalars(insert(Notification).returning(Notification), rows))


def staff_of_provider(provider_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.provider_id == provider_id, User.active.is_(True))
        )
    )


def users_at(org_id: int, role: Role) -> list[User]:
    """Active users of `role` whose own org node is exactly `org_id`."""
    return list(
        db.session.scalars(
            select(User).where(User.org_id == org_id, User.role == role, User.active.is_(True))
        )
    )


def _community_staff(case, role: Role) -> list[User]:
    """Users of `role` at the case's community (or at its grid)."""
    community = org_at_level(case.org, OrgKind.COMMUNITY)
    ids = {case.org_id, community.id} if community else {case.org_id}
    return list(
        db.session.scalars(
            select(User).where(User.org_id.in_(ids), User.role == role, User.active.is_(True))
        )
    )


def handlers_of(case) -> list[User]:
    """Who handles the case now: the staff of its unit, or its dispatchers while it has none."""
    if case.provider_id is not None:
        return staff_of_provider(case.provider_id)
    return dispatchers_of(case)


def dispatchers_of(case) -> list[User]:
    return _community_staff(case, Role.DISPATCHER)


def reviewers_of(case) -> list[User]:
    """The community party branch that reviews the case."""
    return _community_staff(case, Role.PARTY_REVIEWER)


def inbox(user: User, *, limit: int, cursor: int | None, unread_only: bool):
    """Newest first, keyset on id. Returns (items, next_cursor, unread_count)."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if cursor is not None:
        query = query.where(Notification.id < cursor)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    next_cursor = str(rows[limit - 1].id) if len(rows) > limit else None
    unread = db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )
    return rows[:limit], next_cursor, unread


def mark_read(user: User, notification_id: int, *, now: datetime) -> Notification:
    notification = get_by_int_id(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        abort(404, f"notification {notification_id} not found")
    if notification.read_at is None:
        notification.read_at = now
        db.session.commit()
    return notification


def mark_all_read(user: User, *, now: datetime) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    db.session.commit()
    return result.rowcount
