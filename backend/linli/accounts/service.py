"""Account verbs: register, create staff, authenticate, issue and revoke tokens."""

import re
import secrets
import uuid
from datetime import UTC, datetime

import phonenumbers
from flask import current_app, g, request
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    decode_token,
    get_current_user,
)
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from linli.accounts import verification
from linli.accounts.models import (
    RevokedToken,
    RevokedTokenFamily,
    Role,
    SessionEnd,
    User,
    VerificationCode,
)
from linli.accounts.passwords import dummy_verify, hash_password, verify_password
from linli.accounts.permissions import (
    administers_provider,
    org_in_scope,
    require_admin_of,
    require_role,
)
from linli.audit.service import describe, record_change
from linli.common_schemas import CONTROL_CHARACTERS
from linli.db import INT32_MAX, get_by_int_id
from linli.errors import PROBLEM_BASE, abort
from linli.extensions import db
from linli.orgs.models import Org, OrgKind
from linli.orgs.service import get_org_or_404, in_service, subtree_ids_query
from linli.routing.models import Provider
from linli.routing.service import get_provider_or_404

RESIDENT_HOME_KINDS = (OrgKind.COMMUNITY, OrgKind.GRID)


def normalize_mainland_mobile(raw: str) -> str | None:
    """'+86 138-0000-0001' → '13800000001'; None unless a valid mainland mobile number."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return phonenumbers.national_significant_number(number)


def _ensure_unique(username: str | None, phone: str | None, *, user: User | None = None) -> None:
    """409 when another account has the username or phone (`user` itself may)."""
    conditions = [User.username == username] if username else []
    if phone:
        conditions.append(User.phone == phone)
    query = select(User).where(or_(*conditions))
    if user is not None:
        query = query.where(User.id != user.id)
    clash = db.session.scalar(query)
    if clash is not None:
        field = "phone" if phone and clash.phone == phone else "username"
        abort(409, f"that {field} is already registered", errors={field: ["already registered"]})


def mainland_mobile_or_422(raw: str) -> str:
    normalized = normalize_mainland_mobile(raw)
    if normalized is None:
        abort(
            422, "not a mainland mobile number", errors={"phone": ["not a mainland mobile number"]}
        )
    return normalized


def send_registration_code(*, phone: str, now: datetime) -> None:
    """Ask for a registration code; the same answer whether or not the number has an account."""
    verification.request_registration_code(mainland_mobile_or_422(phone), now=now)


def register_resident(
    *, phone: str, code: str, password: str, display_name: str, org: Org, now: datetime
) -> User:
    """A resident who holds `phone` (its code proves it) signs up; their username is the number."""
    normalized = mainland_mobile_or_422(phone)
    if org.kind not in RESIDENT_HOME_KINDS:
        abort(422, "choose a community or grid", errors={"org_id": ["must be a community or grid"]})
    if not in_service(org):
        abort(422, "that community is deactivated", errors={"org_id": ["deactivated"]})
    verification.use_registration_code(normalized, code, now=now)
    # Only someone who just proved they hold the number can learn that it is taken (a race).
    _ensure_unique(normalized, normalized)
    user = User(
        username=normalized,
        phone=normalized,
        display_name=display_name,
        password_hash=hash_password(password),
        role=Role.RESIDENT,
        org_id=org.id,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, "that phone is already registered", errors={"phone": ["already registered"]})
    return user


def create_user(
    *,
    username: str,
    password: str,
    display_name: str,
    role: Role,
    org: Org,
    phone: str | None = None,
    provider=None,
    actor: User | None,
    now: datetime,
) -> User:
    """An admin (`actor`; None at the console) creates an account in their subtree;
    provider staff must belong to a provider. The audit log keeps who did it."""
    if phone is not None:
        phone = mainland_mobile_or_422(phone)
    if actor is not None:
        _check_reach(actor, org, provider)
    _check_role_fits(role, org, provider)
    _ensure_unique(username, phone)
    user = User(
        username=username,
        phone=phone,
        display_name=display_name,
        password_hash=hash_password(password),
        password_set_at=now,
        role=role,
        org_id=org.id,
        provider_id=provider.id if provider else None,
    )
    db.session.add(user)
    record_change(actor, user, None, now=now)
    db.session.commit()
    return user


def _check_reach(actor: User, org: Org, provider) -> None:
    """Nobody gives an account more reach than their own: its org (and so an admin's
    subtree) lies in the actor's subtree, its provider is one the actor administers."""
    require_admin_of(actor, org, field="org_id")
    if provider is not None and not administers_provider(actor, provider):
        abort(
            422, "that provider is outside your area", errors={"provider_id": ["outside your area"]}
        )


def _check_role_fits(role: Role, org: Org, provider) -> None:
    if (role is Role.PROVIDER_STAFF) != (provider is not None):
        abort(
            422,
            "provider staff, and only they, belong to a provider",
            errors={"provider_id": ["required for provider_staff, and only for them"]},
        )
    if role is Role.GRID_WORKER and org.kind not in (OrgKind.GRID, OrgKind.COMMUNITY):
        abort(
            422,
            "a grid worker works a grid or a community's grids",
            errors={"org_id": ["must be a grid or community"]},
        )


def get_administered_user(actor: User, user_id: int) -> User:
    """An account of the admin `actor`'s subtree; 404 for any other."""
    require_role(actor, Role.ADMIN)
    user = get_by_int_id(User, user_id)
    if user is None or not org_in_scope(actor, user.org):
        abort(404, f"user {user_id} does not exist")
    return user


def list_users(
    actor: User,
    *,
    q: str | None = None,
    role: Role | None = None,
    org: Org | None = None,
    active: bool | None = None,
    provider_id: int | None = None,
    limit: int,
    cursor: int | None = None,
) -> tuple[list[User], str | None]:
    """The accounts of the admin's subtree (or of `org`'s, inside it), newest first, keyset
    on id; `q` searches name, username and phone; `provider_id` gives a provider's staff."""
    require_role(actor, Role.ADMIN)
    if org is not None:
        require_admin_of(actor, org, field="org_id")
    query = select(User).where(User.org_id.in_(subtree_ids_query(org or actor.org)))
    if q:
        query = query.where(
            or_(
                User.display_name.icontains(q, autoescape=True),
                User.username.icontains(q, autoescape=True),
                User.phone.contains(normalize_mainland_mobile(q) or q, autoescape=True),
            )
        )
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active.is_(active))
    if provider_id is not None:
        query = query.where(User.provider_id == provider_id)
    if cursor is not None:
        query = query.where(User.id < cursor)
    rows = list(db.session.scalars(query.order_by(User.id.desc()).limit(limit + 1)))
    return rows[:limit], str(rows[limit - 1].id) if len(rows) > limit else None


def end_all_sessions(user: User) -> None:
    """Every token the account holds stops working at its next request."""
    user.token_generation += 1


def update_user(actor: User, user: User, changes: dict, *, now: datetime) -> User:
    """An admin edits an account of their subtree: name, phone, role, org, provider,
    active. Deactivating ends its sessions; nobody deactivates, moves or re-roles
    themselves (they would lock themselves out or change their own reach)."""
    own = user.id == actor.id
    if own and {"role", "org_id", "active"} & changes.keys():
        field = next(f for f in ("role", "org_id", "active") if f in changes)
        abort(422, "not on your own account", errors={field: ["not on your own account"]})
    before = describe(user)
    org = get_org_or_404(changes["org_id"]) if "org_id" in changes else user.org
    provider = get_by_int_id(Provider, user.provider_id) if user.provider_id else None
    if "provider_id" in changes:
        provider = get_provider_or_404(changes["provider_id"]) if changes["provider_id"] else None
    role = changes.get("role", user.role)
    _check_reach(actor, org, provider)
    _check_role_fits(role, org, provider)
    if "phone" in changes:
        phone = mainland_mobile_or_422(changes["phone"]) if changes["phone"] else None
        _ensure_unique(None, phone, user=user)
        user.phone = phone
    if "display_name" in changes:
        user.display_name = changes["display_name"]
    user.role, user.org, user.provider_id = role, org, provider.id if provider else None
    if "active" in changes and changes["active"] != user.active:
        user.active = changes["active"]
        if not user.active:
            end_all_sessions(user)
    record_change(actor, user, before, now=now)
    db.session.commit()
    return user


# No look-alikes (0/O, 1/l/I): the one-time password is read out or copied by hand.
_ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def reset_password(actor: User, user: User, *, now: datetime) -> str:
    """A one-time password for the account, returned once and stored only hashed; the
    account must replace it at its next sign-in, and its sessions end now."""
    if user.id == actor.id:
        abort(422, "change your own password with your current one")
    before = describe(user)
    one_time = "".join(secrets.choice(_ONE_TIME_ALPHABET) for _ in range(12))
    user.password_hash = hash_password(one_time)
    user.password_set_at = now
    user.must_change_password = True
    end_all_sessions(user)
    record_change(actor, user, before, now=now)
    db.session.commit()
    return one_time


def change_own_password(user: User, current: str, new: str, *, now: datetime) -> dict:
    """The account replaces its password (a one-time one, or any): its other sessions end,
    and this one continues with the new tokens returned."""
    if not verify_password(user.password_hash, current):
        abort(422, "wrong current password", errors={"current_password": ["wrong password"]})
    if verify_password(user.password_hash, new):
        abort(422, "that is the current password", errors={"new_password": ["same as the current"]})
    before = describe(user)
    user.password_hash = hash_password(new)
    user.password_set_at = now
    user.must_change_password = False
    end_all_sessions(user)
    record_change(user, user, before, now=now)
    tokens = issue_tokens(user)
    db.session.commit()
    return tokens


def find_login_user(login: str) -> User | None:
    phone = normalize_mainland_mobile(login) if login[:1] in "+0123456789" else None
    condition = User.phone == phone if phone else User.username == login
    return db.session.scalar(select(User).where(condition))


def login_account_key(login: str) -> str:
    """What failed sign-ins with `login` count against: the account sign-in finds, by its
    username (any case); otherwise the login as sign-in reads it (a phone normalised)."""
    login = login.strip()
    # A login with control characters names no account (and PostgreSQL refuses a NUL in a
    # query); the schema refuses it after the limiter has counted it.
    user = find_login_user(login) if login and not CONTROL_CHARACTERS.search(login) else None
    if user is not None:
        return user.username.lower()
    phone = normalize_mainland_mobile(login) if login[:1] in "+0123456789" else None
    return phone or login.lower()


def authenticate(login: str, password: str) -> User:
    """The user behind a username or phone and password, or 401 (same answer either way)."""
    user = find_login_user(login)
    if user is None:
        dummy_verify(password)
    elif verify_password(user.password_hash, password) and user.active:
        return user
    abort(401, "wrong username or password")


def issue_tokens(user: User, *, family: str | None = None) -> dict:
    """A new access and refresh token; a new session (family) unless a refresh continues one."""
    claims = {
        "role": user.role.value,
        "family": family or uuid.uuid4().hex,
        "generation": user.token_generation,
    }
    return {
        "access_token": create_access_token(identity=str(user.id), additional_claims=claims),
        "refresh_token": create_refresh_token(identity=str(user.id), additional_claims=claims),
    }


def token_family(jwt_payload: dict) -> str:
    # A token issued before families existed is a session of its own.
    return jwt_payload.get("family") or jwt_payload["jti"]


def revoke_token(jwt_payload: dict) -> None:
    """Persist a revocation; revoking twice is harmless."""
    jti = jwt_payload["jti"]
    if db.session.get(RevokedToken, jti) is None:
        db.session.add(
            RevokedToken(
                jti=jti,
                user_id=account_id_of(jwt_payload["sub"]),
                expires_at=datetime.fromtimestamp(jwt_payload["exp"], UTC),
            )
        )


def end_session(jwt_payload: dict, reason: SessionEnd) -> None:
    """Refuse every token of this token's family from now on; ending it twice is harmless."""
    family = token_family(jwt_payload)
    if db.session.get(RevokedTokenFamily, family) is None:
        now = datetime.now(UTC)
        db.session.add(
            RevokedTokenFamily(
                family=family,
                user_id=account_id_of(jwt_payload["sub"]),
                reason=reason,
                expires_at=now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
                revoked_at=now,
            )
        )


def rotate_refresh_token(user: User, jwt_payload: dict) -> dict:
    """Refresh: revoke the presented refresh token and hand out a new pair of the same session."""
    revoke_token(jwt_payload)
    tokens = issue_tokens(user, family=token_family(jwt_payload))
    db.session.commit()
    return tokens


def logout(user: User, access_payload: dict, refresh_token: str | None) -> None:
    """End the session of the access token and, when given, that of the user's refresh token."""
    refresh_payload = None
    # Check the refresh token before revoking anything, so a refused logout writes nothing.
    if refresh_token:
        try:
            refresh_payload = decode_token(refresh_token)
        except Exception:
            abort(
                422,
                "refresh_token is not a valid token",
                errors={"refresh_token": ["not a valid token"]},
            )
        if malformed_token_reason(refresh_payload):
            abort(
                422,
                "refresh_token is not a valid token",
                errors={"refresh_token": ["not a valid token"]},
            )
        if refresh_payload.get("type") != "refresh" or refresh_payload["sub"] != str(user.id):
            abort(
                422,
                "refresh_token is not yours",
                errors={"refresh_token": ["not your refresh token"]},
            )
    for payload in (access_payload, refresh_payload):
        if payload is not None:
            revoke_token(payload)
            end_session(payload, SessionEnd.LOGOUT)
    db.session.commit()


_ACCOUNT_ID = re.compile(r"[1-9][0-9]{0,9}")
_JTI_MAX = 64  # RevokedToken.jti


def account_id_of(subject) -> int | None:
    """The account id a token's `sub` names, or None unless it is a plain id a column can hold."""
    if isinstance(subject, str) and _ACCOUNT_ID.fullmatch(subject) and int(subject) <= INT32_MAX:
        return int(subject)
    return None


def malformed_token_reason(jwt_payload: dict) -> str | None:
    """Why a validly signed token is still unusable (it cannot be revoked or name an account)."""
    jti = jwt_payload.get("jti")
    if not isinstance(jti, str) or not 0 < len(jti) <= _JTI_MAX:
        return "no usable jti"
    if account_id_of(jwt_payload.get("sub")) is None:
        return "subject is not an account id"
    family = jwt_payload.get("family")
    if family is not None and (not isinstance(family, str) or not 0 < len(family) <= _JTI_MAX):
        return "no usable family"
    return None


def is_token_revoked(jwt_payload: dict) -> bool:
    """Revoked itself, or of an ended session; a rotated refresh token coming back ends its session.

    One statement per request: the token's account is read with the two revocation checks,
    and kept for the user lookup that follows (load_token_user)."""
    jti, family = jwt_payload["jti"], token_family(jwt_payload)
    token_revoked = select(RevokedToken.jti).where(RevokedToken.jti == jti).exists()
    family_revoked = (
        select(RevokedTokenFamily.family).where(RevokedTokenFamily.family == family).exists()
    )
    account_id = account_id_of(jwt_payload.get("sub"))
    found = db.session.execute(
        select(User, token_revoked, family_revoked).where(User.id == account_id)
    ).first()
    if found is None:  # no such account: the lookup refuses the token; still honour revocations
        revoked_itself = db.session.get(RevokedToken, jti) is not None
        revoked_session = db.session.get(RevokedTokenFamily, family) is not None
    else:
        user, revoked_itself, revoked_session = found
        g.token_user = (jwt_payload.get("sub"), user)
        # Issued before the account's sessions were all ended (tokens of before the
        # generations carry none: generation 0).
        if jwt_payload.get("generation", 0) != user.token_generation:
            return True
    if revoked_itself:
        if jwt_payload.get("type") == "refresh":
            end_session(jwt_payload, SessionEnd.REUSE)
            db.session.commit()
        return True
    return bool(revoked_session)


def load_token_user(identity: str) -> User | None:
    kept = g.pop("token_user", None)
    if kept is not None and kept[0] == identity:
        user = kept[1]
    else:
        account_id = account_id_of(identity)
        user = db.session.get(User, account_id) if account_id is not None else None
    return user if user is not None and user.active else None


# What an account holding a one-time password may do before it has replaced it.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"me.me", "me.change_password", "auth.logout"})


def update_profile(user: User, *, display_name: str) -> User:
    """The user's own name as others see it."""
    user.display_name = display_name.strip()
    db.session.commit()
    return user


def change_phone(user: User, phone: str, code: str, *, now: datetime) -> User:
    """A new phone number, proved by the code texted to it (POST /auth/verification-codes,
    which texts codes only to numbers without an account)."""
    normalized = mainland_mobile_or_422(phone)
    verification.use_registration_code(normalized, code, now=now)
    taken = select(User.id).where(User.phone == normalized, User.id != user.id)
    if db.session.scalar(taken) is not None:  # only the number's holder learns it is taken
        abort(409, "that phone is already registered", errors={"phone": ["already registered"]})
    user.phone = normalized
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, "that phone is already registered", errors={"phone": ["already registered"]})
    return user


def sign_out_everywhere(user: User) -> None:
    """Every token the user holds, on every device, stops working."""
    end_all_sessions(user)
    db.session.commit()


def current_actor() -> User:
    """The signed-in user (views only; services take the actor as an argument). An account
    that must replace its one-time password does that first (403 for anything else)."""
    user = get_current_user()
    if user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        abort(
            403,
            "change your one-time password first",
            type_=PROBLEM_BASE + "password-change-required",
        )
    return user


def purge_expired(*, now: datetime) -> dict[str, int]:
    """Delete rows that can no longer matter once they expire: revocations of tokens (and
    ended sessions) whose tokens have expired anyway, and registration codes. Returns the
    count per table. (Rate-limit counters are purged by their storage, accounts/ratelimit.py.)"""
    counts = {
        model.__tablename__: db.session.execute(
            delete(model).where(model.expires_at < now)
        ).rowcount
        for model in (RevokedToken, RevokedTokenFamily, VerificationCode)
    }
    db.session.commit()
    return counts
