"""The in-app inbox. Delivery to other channels (push, SMS) is its own column and state."""

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from linli.db import Base, str_enum, utcnow


class NotificationKind(enum.StrEnum):
    ASSIGNED = "assigned"  # to the provider's staff
    CO_TASK = "co_task"  # to a co-provider's staff in joint handling
    RETURNED = "returned"  # to the dispatchers: a provider says "not ours"
    ESCALATED = "escalated"  # to the new level's officers and the community's reviewers
    RESOLVED = "resolved"  # to the resident
    REVIEW_REQUESTED = "review_requested"  # to the community's party reviewers
    SUPERVISION_NOTE = "supervision_note"  # from the party branch, to the provider and dispatchers
    ACCEPTED = "accepted"  # to the resident: a unit accepted (接单) their case
    RATE_REQUESTED = "rate_requested"  # to the resident: the rating window is closing
    WITHDRAWN = "withdrawn"  # to the unit handling the case (or the dispatchers): 撤回
    INFO_ADDED = "info_added"  # to the unit handling the case (or the dispatchers)


class DeliveryState(enum.StrEnum):
    """Delivery beyond the in-app inbox (notifications/delivery.py): `pending` until the
    deliverer sends it by push or SMS (`sent`), gives up (`failed`), or finds the user has
    no channel for it (`not_required`)."""

    NOT_REQUIRED = "not_required"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index("ix_notifications_delivery_state_due", "delivery_state", "delivery_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind, "notification_kind"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # What the text needs (reference, level, reason …); the app renders it in the user's language.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    delivery_state: Mapped[DeliveryState] = mapped_column(
        str_enum(DeliveryState, "notification_delivery_state"), default=DeliveryState.NOT_REQUIRED
    )
    delivery_channel: Mapped[str] = mapped_column(String(20), default="")
    delivery_attempts: Mapped[int] = mapped_column(default=0)
    # A pending row may be claimed from then on: a claim moves it ahead by a lease, so two
    # deliverers never send the same row at once; a failed attempt by a back-off.
    delivery_due_at: Mapped[datetime | None]


class PushSubscription(Base):
    """A browser's Web Push subscription (one per endpoint), and the language it shows."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
