"""API keys of the client apps that file service requests through Open311."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.accounts.models import User
from linli.db import Base, utcnow
from linli.orgs.models import Org


class Open311Key(Base):
    """One client app's key. Only its SHA-256 digest is kept: the key is shown once, when
    it is issued. A revoked key stays (its cases name its account) but opens nothing."""

    __tablename__ = "open311_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    # The app's own account (no password, never signed in): it files the app's cases.
    account_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Grids have no outlines, so a point cannot be placed: the app's reports go here.
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    rate_limit: Mapped[str] = mapped_column(String(60))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    account: Mapped[User] = relationship(foreign_keys=[account_id])
    community: Mapped[Org] = relationship(lazy="joined")
