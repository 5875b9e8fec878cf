"""The resident's rating of a handled case."""

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from linli.db import Base, str_enum, utcnow


class RatingChannel(enum.StrEnum):
    APP = "app"  # the resident rated in the app
    PHONE = "phone"  # a grid worker's follow-up call (回访) recorded it
    VISIT = "visit"  # a grid worker recorded it at the door


class Rating(Base):
    """One rating per case per handling cycle: the reporting resident's verdict, entered by
    them (app) or by the grid worker who reported for them (phone, visit)."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("case_id", "cycle"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    cycle: Mapped[int]
    # The resident whose verdict it is, when they have an account …
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # … and who entered it.
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[RatingChannel] = mapped_column(
        str_enum(RatingChannel, "rating_channel"), default=RatingChannel.APP
    )
    resolved: Mapped[bool]
    stars: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
