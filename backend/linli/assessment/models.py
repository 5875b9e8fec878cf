"""Published months: the assessment of an area frozen as it stood when an officer published it."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
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
