"""The audit log of administrative changes: who changed what, when, from what to what."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.accounts.models import User
from linli.db import Base, str_enum, utcnow


class AuditAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class AuditRecord(Base):
    """One administrative change. Append-only (on PostgreSQL a trigger refuses UPDATE and
    DELETE); passwords and tokens never appear in `changes`."""

    __tablename__ = "audit_records"
    __table_args__ = (Index("ix_audit_records_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[AuditAction] = mapped_column(str_enum(AuditAction, "audit_action"))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64))
    # The org the object belongs to, whose subtree's admins read the record; None for
    # city-wide settings (categories, SLA clocks), which only city admins read.
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    # {field: [before, after]}; a created object has null befores.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")
