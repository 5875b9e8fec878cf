"""SLA policies and the record of each escalation (at most one per case, cycle and level)."""

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.cases.models import Priority
from linli.categories.models import Category
from linli.db import Base, str_enum, utcnow
from linli.orgs.models import OrgKind


class SlaPolicy(Base):
    """Accept-within and resolve-within for a category × priority (no category: the default)."""

    __tablename__ = "sla_policies"
    __table_args__ = (
        UniqueConstraint("category_id", "priority"),
        CheckConstraint(
            "accept_within_minutes > 0 AND resolve_within_minutes > 0", name="positive_durations"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, "sla_priority"))
    accept_within_minutes: Mapped[int]
    resolve_within_minutes: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[Category | None] = relationship()


class Escalation(Base):
    """A case climbing to `to_level`; the unique key makes every sweep idempotent."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("case_id", "cycle", "to_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    cycle: Mapped[int]
    from_level: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "escalation_from_level"))
    to_level: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "escalation_to_level"))
    reason: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class DayKind(enum.StrEnum):
    HOLIDAY = "holiday"  # a weekday off (法定节假日)
    WORKDAY = "workday"  # a weekend day worked in exchange (调休上班)


class CalendarDay(Base):
    """A day of the working calendar that is not what its weekday says (Asia/Shanghai dates)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[DayKind] = mapped_column(str_enum(DayKind, "calendar_day_kind"))
    note: Mapped[str] = mapped_column(String(60), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def id(self) -> str:  # the audit log names a day by its date
        return self.day.isoformat()
