"""The assessment's stored rows: each case's facts (kept in step with the case), and
published months (an area's tables frozen as they stood when an officer published them)."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.accounts.models import User
from linli.db import Base, utcnow
from linli.orgs.models import Org


class AssessmentPublication(Base):
    """One month of one area (the publisher's org and below), once: every table of it
    (by provider, by category, by org at each level), as computed at publishing."""

    __tablename__ = "assessment_publications"
    __table_args__ = (UniqueConstraint("period", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7))  # "2026-11"
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {"provider": [rows], "category": [rows], "org:community": [rows], …}
    tables: Mapped[dict] = mapped_column(JSON, default=dict)

    org: Mapped[Org] = relationship(lazy="joined")
    published_by: Mapped[User] = relationship(lazy="joined")


# What a table groups by, and what it counts.
KEYS = (
    "case_id",
    "provider_id",
    "org_id",
    "community_id",
    "street_id",
    "district_id",
    "category_id",
)
COUNTED = ("kind", "on_time", "resolved", "satisfied", "recorded", "hours")


class AssessmentFact(Base):
    """One fact of one case (assessment/facts.py), with the keys the figures group by.

    Derived data: rewritten whenever the case's facts are refreshed (the facts of a case
    whose `facts_version` is not its `version` are out of date), never edited."""

    __tablename__ = "assessment_facts"
    __table_args__ = (
        # A period's settled facts, and the cases' spans running into it: the tables read
        # them from these indexes alone (PostgreSQL: INCLUDE, an index-only scan).
        Index(
            "ix_assessment_facts_settled_at",
            "at",
            postgresql_where=text("kind NOT IN ('held', 'open')"),
            sqlite_where=text("kind NOT IN ('held', 'open')"),
            postgresql_include=[*KEYS, *COUNTED],
        ),
        Index(
            "ix_assessment_facts_span_until",
            "kind",
            "until",
            postgresql_where=text("kind IN ('held', 'open')"),
            sqlite_where=text("kind IN ('held', 'open')"),
            postgresql_include=[*KEYS, "at"],
        ),
        # Deadlines missed: a few of a period's facts, counted apart (overdue cases).
        Index(
            "ix_assessment_facts_late",
            "at",
            postgresql_where=text("NOT on_time AND kind IN ('acceptance', 'resolution')"),
            sqlite_where=text("NOT on_time AND kind IN ('acceptance', 'resolution')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # facts.py kinds, and held / open spans
    at: Mapped[datetime]  # when it settled; a span's start
    until: Mapped[datetime | None]  # a span's end (None: still)
    provider_id: Mapped[int | None]
    # The case's place and category, so a table groups without joining cases.
    org_id: Mapped[int]
    community_id: Mapped[int | None]
    street_id: Mapped[int | None]
    district_id: Mapped[int | None]
    category_id: Mapped[int]
    on_time: Mapped[bool] = mapped_column(default=False)
    resolved: Mapped[bool] = mapped_column(default=False)
    satisfied: Mapped[bool] = mapped_column(default=False)
    recorded: Mapped[bool] = mapped_column(default=False)
    hours: Mapped[float | None] = mapped_column(Float)
