"""Key verbs: issue, list, revoke, and find the key a request carries."""

import hashlib
import secrets
from datetime import datetime

from limits import parse_many
from sqlalchemy import select

from linli.accounts.models import Role, User
from linli.accounts.permissions import require_role
from linli.audit.service import describe, record_change
from linli.errors import abort
from linli.extensions import db
from linli.open311.models import Open311Key
from linli.orgs.models import Org, OrgKind
from linli.orgs.service import subtree_ids_query

DEFAULT_RATE_LIMIT = "60 per minute;1000 per day"
# An account that never signs in: no argon2 hash can equal this.
NO_PASSWORD = "!open311-client"


def digest(key: str) -> str:
    # The key is 256 random bits: a plain hash is enough, no password hashing needed.
    return hashlib.sha256(key.encode()).hexdigest()


def _community_in_scope(actor: User | None, community_id: int) -> Org:
    community = db.session.get(Org, community_id)
    if community is None or community.kind is not OrgKind.COMMUNITY:
        abort(422, "no such community", errors={"community_id": ["no such community"]})
    # An admin's area is their org's subtree (the key list below reads the same).
    if actor is not None and not actor.org.contains(community):
        abort(
            422,
            "that community is outside your area",
            errors={"community_id": ["outside your area"]},
        )
    return community


def _check_rate_limit(rate_limit: str) -> str:
    try:
        parse_many(rate_limit)
    except ValueError:
        abort(
            422,
            "not a rate limit",
            errors={"rate_limit": ["not a rate limit such as '60 per minute;1000 per day'"]},
        )
    return rate_limit


def issue_key(
    name: str,
    *,
    community_id: int,
    rate_limit: str | None = None,
    actor: User | None,
    now: datetime,
) -> tuple[Open311Key, str]:
    """A new key for a client app (admins, in their area; `actor=None` at the console).
    Returns the key row and the key itself, which is never stored and never logged."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    community = _community_in_scope(actor, community_id)
    if db.session.scalar(select(Open311Key.id).where(Open311Key.name == name)) is not None:
        abort(409, f"a key named {name!r} exists", errors={"name": ["already used"]})
    key = secrets.token_urlsafe(32)
    account = User(
        username=f"open311:{secrets.token_hex(8)}",
        display_name=name,
        password_hash=NO_PASSWORD,
        # The narrowest role, and inactive: no token is ever accepted for it.
        role=Role.RESIDENT,
        org_id=community.id,
        active=False,
        created_at=now,
    )
    row = Open311Key(
        name=name,
        key_digest=digest(key),
        account=account,
        community=community,
        rate_limit=_check_rate_limit(rate_limit or DEFAULT_RATE_LIMIT),
        issued_by_id=actor.id if actor else None,
        created_at=now,
    )
    db.session.add(row)
    record_change(actor, account, None, now=now)
    record_change(actor, row, None, now=now)
    db.session.commit()
    return row, key


def _keys_in_scope(actor: User):
    require_role(actor, Role.ADMIN)
    return select(Open311Key).where(Open311Key.community_id.in_(subtree_ids_query(actor.org)))


def list_keys(actor: User) -> list[Open311Key]:
    """The keys of the admin's area, oldest first (revoked ones too)."""
    return list(db.session.scalars(_keys_in_scope(actor).order_by(Open311Key.id)))


def revoke_key(actor: User | None, key_id: int, *, now: datetime) -> Open311Key:
    """The key opens nothing from now on; revoking twice changes nothing."""
    query = select(Open311Key) if actor is None else _keys_in_scope(actor)
    row = db.session.scalar(query.where(Open311Key.id == key_id))
    if row is None:
        abort(404, f"key {key_id} not found")
    if row.revoked_at is None:
        before = describe(row)
        row.revoked_at = now
        record_change(actor, row, before, now=now)
        db.session.commit()
    return row


def key_for(presented: str | None) -> Open311Key | None:
    """The live key a client presented, or None."""
    if not presented:
        return None
    row = db.session.scalar(select(Open311Key).where(Open311Key.key_digest == digest(presented)))
    return row if row is not None and row.revoked_at is None else None
