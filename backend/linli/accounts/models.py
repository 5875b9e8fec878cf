"""People who use Linli, their roles, and revoked tokens."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.db import Base, str_enum, utcnow
from linli.orgs.models import Org


class Role(enum.StrEnum):
    RESIDENT = "resident"
    GRID_WORKER = "grid_worker"
    PROVIDER_STAFF = "provider_staff"
    DISPATCHER = "dispatcher"
    OFFICER = "officer"
    PARTY_REVIEWER = "party_reviewer"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Tokens carry the epoch they were issued in; "sign out everywhere" and a password
    # change step it, and tokens of an earlier epoch are refused.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    org: Mapped[Org] = relationship(lazy="joined")


class RevokedToken(Base):
    """A JWT that must no longer be accepted (logout, refresh rotation)."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionEnd(enum.StrEnum):
    LOGOUT = "logout"
    REUSE = "reuse"  # a rotated refresh token came back: stolen, so the whole session goes


class RevokedTokenFamily(Base):
    """An ended session: every token of this family (one login and its refreshes) is refused."""

    __tablename__ = "revoked_token_families"

    family: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[SessionEnd] = mapped_column(str_enum(SessionEnd, "session_end"))
    # The family's newest refresh token expires by then; the row can go after it.
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateLimitCounter(Base):
    """One fixed-window rate-limit counter (flask-limiter's `database://` storage)."""

    __tablename__ = "rate_limit_counters"

    # A digest of the limiter's key: the keys name phone numbers and addresses.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class VerificationCode(Base):
    """A registration code sent to a phone: hashed, short-lived, few attempts, used once."""

    __tablename__ = "verification_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Keyed digests only: neither the number (it may have no account) nor the code in clear.
    phone_digest: Mapped[str] = mapped_column(String(64), index=True)
    code_digest: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]
