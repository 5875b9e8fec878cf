"""Delivery beyond the inbox: Web Push to the user's browsers, SMS to residents.

A notification is written `pending` in the transaction that makes it; once that
transaction commits, a thread of the process delivers it (never inside the request's
transaction, and the request does not wait), and `linli notifications deliver` (run by the
sweep, too) picks up whatever is still pending: a process that died, a push service that
was down. Each row is claimed for a lease with one conditional UPDATE before anything is
sent, so two deliverers never send it twice; a row is retried only when nothing went out.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, has_app_context
from sqlalchemy import and_, delete, event, func, or_, select, update
from sqlalchemy.orm import Session

from linli.accounts.models import Role, User
from linli.accounts.sms import get_sender
from linli.db import utcnow, writing_job
from linli.extensions import db
from linli.notifications.models import (
    DeliveryState,
    Notification,
    NotificationKind,
    PushSubscription,
)
from linli.notifications.push import push_enabled, send_push, subscriptions_of
from linli.notifications.texts import app_name, notice_text

log = logging.getLogger(__name__)

# What a resident must hear about even without a push service (many Android browsers in
# mainland China have none): by SMS when no push reached them.
SMS_KINDS = frozenset(
    {
        NotificationKind.ACCEPTED,
        NotificationKind.RESOLVED,
        NotificationKind.ESCALATED,
        NotificationKind.RATE_REQUESTED,
    }
)
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=5)  # longer than one row's sends can take (timeouts of 5 s)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
BATCH = 200
_WRITTEN = "linli_notifications_written"


def reachable(user_ids, kind: NotificationKind) -> set[int]:
    """Of these users, those a channel may reach with a `kind` notice: a push subscription
    (when push is on), or an SMS (a resident's case notice). Only their inbox rows wait for
    delivery; the others need none, and cost no delivery transactions. One query, none
    when no channel could reach anyone."""
    sms = current_app.config["SMS_NOTICES"] != "off" and kind in SMS_KINDS
    push = push_enabled()
    if not user_ids or not (sms or push):
        return set()
    ways = []
    if push:
        ways.append(select(PushSubscription.id).where(PushSubscription.user_id == User.id).exists())
    if sms:
        ways.append(and_(User.role == Role.RESIDENT, func.coalesce(User.phone, "") != ""))
    return set(
        db.session.scalars(
            select(User.id).where(User.id.in_(user_ids), User.active.is_(True), or_(*ways))
        )
    )


def expect_delivery() -> None:
    """The session's transaction writes notifications: deliver once it commits."""
    db.session.info[_WRITTEN] = True


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if not session.info.pop(_WRITTEN, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    if app.config["DELIVER_AFTER_COMMIT"]:
        _executor(app).submit(_deliver_in_background, app)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


def _executor(app: Flask) -> ThreadPoolExecutor:
    # One thread per process: deliveries queue behind each other, requests never wait.
    if "linli_delivery" not in app.extensions:
        app.extensions["linli_delivery"] = ThreadPoolExecutor(1, "linli-delivery")
    return app.extensions["linli_delivery"]


def _deliver_in_background(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_due(now=utcnow())
        except Exception:  # the rows stay pending: the next sweep delivers them
            log.exception("delivery after commit failed")
        finally:
            db.session.remove()


@dataclass
class DeliveryResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    not_required: int = 0

    def __str__(self) -> str:
        return (
            f"sent {self.sent}, retrying {self.retrying}, failed {self.failed}, "
            f"no channel {self.not_required}"
        )


def _due(now: datetime):
    return (
        Notification.delivery_state == DeliveryState.PENDING,
        or_(Notification.delivery_due_at.is_(None), Notification.delivery_due_at <= now),
    )


def deliver_due(*, now: datetime, limit: int = BATCH) -> DeliveryResult:
    """Deliver every pending notification whose time has come (idempotent)."""
    result = DeliveryResult()
    with writing_job():
        ids = db.session.scalars(
            select(Notification.id).where(*_due(now)).order_by(Notification.id).limit(limit)
        ).all()
        db.session.commit()
        for notification_id in ids:
            state = deliver_one(notification_id, now=now)
            if state is DeliveryState.SENT:
                result.sent += 1
            elif state is DeliveryState.PENDING:
                result.retrying += 1
            elif state is DeliveryState.FAILED:
                result.failed += 1
            elif state is DeliveryState.NOT_REQUIRED:
                result.not_required += 1
    return result


def _claim(notification_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, *_due(now))
        .values(
            delivery_due_at=now + LEASE,
            delivery_attempts=Notification.delivery_attempts + 1,
        )
    ).rowcount
    db.session.commit()
    return claimed == 1


def deliver_one(notification_id: int, *, now: datetime) -> DeliveryState | None:
    """Claim one pending row, send it through the user's channels, record the outcome.
    None: another deliverer has it (or it is not due)."""
    if not _claim(notification_id, now):
        return None
    notification = db.session.get(Notification, notification_id)
    user = db.session.get(User, notification.user_id)
    subscriptions = subscriptions_of(user.id) if push_enabled() and user.active else []
    wants_sms = (
        current_app.config["SMS_NOTICES"] != "off"
        and user.active
        and user.role is Role.RESIDENT
        and bool(user.phone)
        and notification.kind in SMS_KINDS
    )
    db.session.commit()  # no transaction stays open while a remote service answers
    channels, gone, errors = [], [], []
    for subscription in subscriptions:
        outcome = send_push(subscription, _payload(notification, subscription.language))
        if outcome.sent and "push" not in channels:
            channels.append("push")
        if outcome.gone:
            gone.append(subscription.id)
        elif outcome.error:
            errors.append(outcome.error)
    if wants_sms and (not channels or current_app.config["SMS_NOTICES"] == "always"):
        language = subscriptions[0].language if subscriptions else "zh-CN"
        try:
            get_sender().send_case_notice(
                user.phone,
                kind=notification.kind.value,
                reference=notification.data.get("reference", ""),
                text=notice_text(notification.kind, notification.data, language),
            )
            channels.append("sms")
        except Exception as error:  # a provider's failure of any kind: retried later
            errors.append(f"sms: {type(error).__name__}")
    if gone:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
    state = _record(notification, channels, errors, now)
    db.session.commit()
    if errors:
        log.warning(
            "notification %s, attempt %s: %s",
            notification.id,
            notification.delivery_attempts,
            "; ".join(errors),
        )
    return state


def _record(notification: Notification, channels: list, errors: list, now: datetime):
    attempts = notification.delivery_attempts
    if channels:
        state, due = DeliveryState.SENT, None
    elif not errors:
        state, due = DeliveryState.NOT_REQUIRED, None  # no channel reaches this user
    elif attempts >= MAX_ATTEMPTS:
        state, due = DeliveryState.FAILED, None
    else:
        state, due = DeliveryState.PENDING, now + BACKOFF[min(attempts, len(BACKOFF)) - 1]
    notification.delivery_state = state
    notification.delivery_due_at = due
    notification.delivery_channel = ",".join(channels)
    return state


def _payload(notification: Notification, language: str) -> dict:
    """What the service worker shows: the reference and a short text, nothing personal."""
    case_id = notification.case_id
    return {
        "title": app_name(language),
        "body": notice_text(notification.kind, notification.data, language),
        "url": f"/cases/{case_id}" if case_id else "/notifications",
        "tag": f"case-{case_id}" if case_id else f"notification-{notification.id}",
    }
