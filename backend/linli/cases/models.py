"""Cases (service requests), their append-only event log, photos and +1s."""

import enum
import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from linli.accounts.models import User
from linli.categories.models import Category
from linli.db import Base, UTCDateTime, str_enum, utcnow
from linli.orgs.models import Building, Household, Org, OrgKind
from linli.routing.models import CoTask, Provider


class CaseState(enum.StrEnum):
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RETURNED = "returned"  # a provider said "not ours"; the dispatcher decides
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"


OPEN_STATES = (CaseState.SUBMITTED, CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.RETURNED)


class Priority(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class Channel(enum.StrEnum):
    APP = "app"
    GRID_VISIT = "grid_visit"
    HOTLINE = "hotline"
    SELF_ORG = "self_org"
    OPEN311 = "open311"  # a client app, through the GeoReport v2 API (open311/)


class EventKind(enum.StrEnum):
    """What a case event records; the database holds the list too (a CHECK constraint)."""

    SUBMIT = "submit"
    SUPPORT = "support"  # a neighbour's +1
    ATTACH_PHOTO = "attach_photo"
    ROUTE = "route"  # routing left the case in triage, saying why
    ESCALATE = "escalate"
    # the lifecycle's actions (cases/lifecycle.py Action)
    ASSIGN = "assign"
    ACCEPT = "accept"
    RETURN = "return"
    ACCEPT_RETURN = "accept_return"
    REFUSE_RETURN = "refuse_return"
    COORDINATE = "coordinate"
    RESOLVE = "resolve"
    REJECT = "reject"
    REOPEN = "reopen"
    CLOSE = "close"  # data.not_rated: the rating window passed (the sweep closed it)
    APPEAL = "appeal"  # the reporter disputes a closed case (feedback/service.py)
    WITHDRAW = "withdraw"  # the reporter takes back a report no unit has accepted
    ADD_INFO = "add_info"  # the reporter adds to an open case (a note; photos are attach_photo)
    # a co-unit's task (routing/tasks.py TaskAction)
    CO_TASK_ACCEPT = "co_task_accept"
    CO_TASK_COMPLETE = "co_task_complete"
    CO_TASK_RETURN = "co_task_return"
    # the party branch (feedback/review.py)
    SUPERVISION_NOTE = "supervision_note"
    REVIEWED = "review"


class CaseSupport(Base):
    """A "+1": another resident has the same need."""

    __tablename__ = "case_supports"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_created_at_id", "created_at", "id"),
        Index("ix_cases_org_id_state", "org_id", "state"),
        # A unit's cases (its queue), and how many it holds open (routing weighs its load on
        # every report): the open ones are read from the index alone, however many it closed.
        Index("ix_cases_provider_id_state", "provider_id", "state"),
        # An area's cases over a range of days (the demand figures).
        Index(
            "ix_cases_org_id_created_at",
            "org_id",
            "created_at",
            postgresql_include=["category_id"],
        ),
        # The escalation sweep looks only at open cases whose clocks have run out.
        Index(
            "ix_cases_open_accept_due",
            "accept_due_at",
            postgresql_where=text(
                "state IN ('submitted','assigned','returned') AND accepted_at IS NULL"
            ),
            sqlite_where=text(
                "state IN ('submitted','assigned','returned') AND accepted_at IS NULL"
            ),
        ),
        Index(
            "ix_cases_open_resolve_due",
            "resolve_due_at",
            postgresql_where=text("state IN ('submitted','assigned','in_progress','returned')"),
            sqlite_where=text("state IN ('submitted','assigned','in_progress','returned')"),
        ),
        # Cases whose assessment facts are out of date: few, looked up often.
        Index(
            "ix_cases_facts_stale",
            "created_at",
            postgresql_where=text("facts_version IS DISTINCT FROM version"),
            sqlite_where=text("facts_version IS NOT version"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    # How far off the phone said its position may be, in metres (with lat and lon only).
    location_accuracy: Mapped[float | None]
    # The building of the org tree it is in (a grid's building), picked on the report.
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, "case_priority"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "case_channel"))
    # The resident the need belongs to (an account when there is one) …
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reporter_name: Mapped[str] = mapped_column(String(80), default="")
    reporter_phone: Mapped[str] = mapped_column(String(20), default="")
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    # … and who typed it in (the resident, or a grid worker on their behalf).
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState, "case_state"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    escalation_level: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "case_escalation_level"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    # Each reopen starts a new handling cycle (its own rating, its own clocks).
    cycle: Mapped[int] = mapped_column(default=1)
    # SLA clocks of the current cycle; they stop mattering once the case is resolved.
    accept_due_at: Mapped[datetime | None]
    resolve_due_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    # No provider covers this category here: counted in the supply-gap figures.
    unmet_need: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # A reporter appeals a closed case once (feedback/service.py).
    appealed_at: Mapped[datetime | None]
    # Closed because the reporter took it back (撤回) before a unit accepted it.
    withdrawn_at: Mapped[datetime | None]
    # The version its assessment facts were worked out at (assessment/store.py): facts of
    # a case whose version has moved on are refreshed before they are counted.
    facts_version: Mapped[int | None]
    # The answers to the category's extra questions ({key: value}), checked when reported.
    extra: Mapped[dict] = mapped_column(JSON, default=dict)

    category: Mapped[Category] = relationship(lazy="joined")
    org: Mapped[Org] = relationship(lazy="joined")
    provider: Mapped[Provider | None] = relationship(lazy="joined")
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    household: Mapped[Household | None] = relationship()
    building: Mapped[Building | None] = relationship()
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="case", order_by="Attachment.created_at"
    )
    co_tasks: Mapped[list["CoTask"]] = relationship(order_by="CoTask.id")

    supporters: Mapped[int] = column_property(
        select(func.count(CaseSupport.id))
        .where(CaseSupport.case_id == id)
        .correlate_except(CaseSupport)
        .scalar_subquery(),
        deferred=False,
    )

    # Optimistic locking: every UPDATE carries "WHERE version = <loaded>". The version steps
    # once per write (a transition, an escalation), however many UPDATEs that write needs.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


# A case with no running clock sorts after every deadline ("due soonest" ends with them).
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)


def _open(column):
    # Written into the statement, not bound: the index below is on this very expression, and
    # a database matches an expression index only to an expression with the same constants.
    states = [s.value for s in OPEN_STATES]
    return column.in_(bindparam("open_states", states, expanding=True, literal_execute=True))


# The deadline that matters now (the PWA's activeDeadline): accepting until accepted, then
# resolving; NO_DEADLINE once none runs. The "due soonest" order of case lists (listing.py).
CASE_DUE_AT = type_coerce(
    func.coalesce(
        case(
            (
                and_(
                    _open(Case.state),
                    Case.accepted_at.is_(None),
                    Case.accept_due_at.is_not(None),
                ),
                Case.accept_due_at,
            ),
            (_open(Case.state), Case.resolve_due_at),
        ),
        literal(NO_DEADLINE, UTCDateTime(), literal_execute=True),
    ),
    UTCDateTime(),
)
# A page of that order, whatever else a queue filters by, is read from the index in order
# (closed cases sit at its far end).
Index("ix_cases_due", CASE_DUE_AT, Case.id)


class CaseEvent(Base):
    """One row per change to a case: its timeline and audit trail. Append-only (on
    PostgreSQL a trigger refuses UPDATE and DELETE). Written by cases/events.py only."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[EventKind] = mapped_column(str_enum(EventKind, "case_event_kind"))
    from_state: Mapped[CaseState | None] = mapped_column(str_enum(CaseState, "event_from_state"))
    to_state: Mapped[CaseState | None] = mapped_column(str_enum(CaseState, "event_to_state"))
    note: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")
    # Lets the unit of work insert a new case before its first event.
    case: Mapped[Case] = relationship()


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="attachments")
    # Joined so that a page's photos say whose they are in the one statement that loads them.
    uploaded_by: Mapped[User] = relationship(lazy="joined")


class ReferenceCounter(Base):
    """The last number handed out for a year's human references (LL-2026-000123)."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
