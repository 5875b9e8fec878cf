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


class DeliveryState(enum.StrEnum):
    """Delivery beyond the in-app inbox; `not_required` until a push channel exists."""

    NOT_REQUIRED = "not_required"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_id", "user_id", "id"),)

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
