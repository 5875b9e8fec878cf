"""Service providers: who can serve which categories where."""

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from linli.categories.models import Category
from linli.db import Base, str_enum, utcnow
from linli.orgs.models import Org

if TYPE_CHECKING:
    from linli.cases.models import Case  # cases.models imports this module


class ProviderType(enum.StrEnum):
    GOVERNMENT_DEPARTMENT = "government_department"
    STATE_ENTERPRISE = "state_enterprise"
    ENTERPRISE = "enterprise"
    SOCIAL_ORGANISATION = "social_organisation"
    VOLUNTEER_GROUP = "volunteer_group"


provider_categories = Table(
    "provider_categories",
    Base.metadata,
    Column("provider_id", ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id"), primary_key=True),
)

# A provider covering a node covers everything below it.
provider_coverage = Table(
    "provider_coverage",
    Base.metadata,
    Column("provider_id", ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True),
    Column("org_id", ForeignKey("orgs.id"), primary_key=True, index=True),
)


class Provider(Base):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)  # the CSV import matches by name
    type: Mapped[ProviderType] = mapped_column(str_enum(ProviderType, "provider_type"))
    capacity: Mapped[int] = mapped_column(default=50)
    contact: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)

    categories: Mapped[list[Category]] = relationship(secondary=provider_categories)
    coverage: Mapped[list[Org]] = relationship(secondary=provider_coverage)
    # Its open cases, when a query asks for them (routing.service.with_open_cases).
    open_cases: Mapped[int | None] = query_expression()


class CoTaskState(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DONE = "done"
    RETURNED = "returned"


class CoTask(Base):
    """A co-unit's part of a joint case (吹哨报到). Its state is its own, not the case's."""

    __tablename__ = "co_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    state: Mapped[CoTaskState] = mapped_column(str_enum(CoTaskState, "co_task_state"))
    due_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    provider: Mapped[Provider] = relationship(lazy="joined")
    # Read-only: Case.co_tasks is the side that writes the link.
    case: Mapped["Case"] = relationship(viewonly=True)


# The co-units a responsibility names beside its lead unit.
responsibility_co_units = Table(
    "responsibility_co_units",
    Base.metadata,
    Column(
        "responsibility_id", ForeignKey("responsibilities.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("provider_id", ForeignKey("providers.id"), primary_key=True),
)


class Responsibility(Base):
    """One line of the responsibility list (责任清单): for a category, in an org's subtree
    (None: the whole city), the standing lead unit and co-units of joint handling, offered
    when a case of it is coordinated (吹哨协办). The deepest line above the case applies."""

    __tablename__ = "responsibilities"
    __table_args__ = (UniqueConstraint("category_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    lead_provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    category: Mapped[Category] = relationship(lazy="joined")
    co_units: Mapped[list[Provider]] = relationship(
        secondary=responsibility_co_units, order_by="Provider.name"
    )
