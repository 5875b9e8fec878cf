"""The resident's rating of a handled case."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from linli.db import Base, utcnow


class Rating(Base):
    """One rating per case per handling cycle, by the resident who reported it."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("case_id", "cycle"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    cycle: Mapped[int]
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    resolved: Mapped[bool]
    stars: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
