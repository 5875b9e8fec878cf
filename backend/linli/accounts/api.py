from datetime import UTC, datetime

from flask import current_app, request
from flask_jwt_extended import get_jwt, jwt_required
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint

from linli.accounts import service
from linli.accounts.models import Role
from linli.accounts.permissions import require_role
from linli.accounts.schemas import (
    LoginIn,
    LogoutIn,
    PasswordChangeIn,
    PasswordResetOut,
    PhoneChangeIn,
    ProfileIn,
    RegisterIn,
    SessionOut,
    TokensOut,
    UserCreateIn,
    UserListArgs,
    UserOut,
    UserPage,
    UserPatch,
    VerificationCodeIn,
)
from linli.accounts.service import current_actor
from linli.accounts.verification import keyed_digest
from linli.db import utcnow
from linli.extensions import limiter
from linli.orgs.service import get_org_or_404
from linli.routing.service import get_provider_or_404

blp = Blueprint("auth", __name__, url_prefix="/auth", description="Sign-up, sign-in and tokens")
me_blp = Blueprint("me", __name__, url_prefix="", description="The signed-in user; staff accounts")


def _opaque(value: str) -> str:
    # Limit keys name phones and usernames, and flask-limiter logs the key of a breached limit.
    return keyed_digest(value)[:32]


def _login_account_key() -> str:
    # Computed once per request: it looks the account up (request-scoped, unlike `g` in tests).
    if "linli.login_account_key" not in request.environ:
        body = request.get_json(silent=True)
        login = body.get("username") if isinstance(body, dict) else None
        key = service.login_account_key(str(login)[:64])
        request.environ["linli.login_account_key"] = f"login-account:{_opaque(key)}"
    return request.environ["linli.login_account_key"]


def _refused(response) -> bool:
    return response.status_code == 401


def _phone_key() -> str:
    body = request.get_json(silent=True)
    phone = body.get("phone") if isinstance(body, dict) else None
    raw = str(phone)[:32]
    return "phone:" + _opaque(service.normalize_mainland_mobile(raw) or raw.strip().lower())


def _account_attempted(response) -> bool:
    # Bad fields (422) do not count: a new account, or a taken number, does.
    return response.status_code in (201, 409)


@blp.route("/verification-codes", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["CODE_LIMIT_PER_PHONE"], key_func=_phone_key, scope="code-phone"
)
@limiter.limit(
    lambda: current_app.config["CODE_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    scope="code-address",
)
@blp.arguments(VerificationCodeIn)
@blp.response(202)
@blp.alt_response(429, description="Too many codes asked for; see Retry-After")
def request_verification_code(data):
    """Text a registration code to a mainland mobile (valid 10 minutes, used once).

    The answer is the same whether or not the number has an account.
    """
    service.send_registration_code(phone=data["phone"], now=datetime.now(UTC))


@blp.route("/register", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["REGISTER_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    deduct_when=_account_attempted,
    scope="register-address",
)
@blp.arguments(RegisterIn)
@blp.response(201, SessionOut)
@blp.alt_response(429, description="Too many accounts from this address; see Retry-After")
def register(data):
    """A resident registers with a mainland mobile number and its code, and is signed in."""
    org = get_org_or_404(data["org_id"])
    user = service.register_resident(
        phone=data["phone"],
        code=data["code"],
        password=data["password"],
        display_name=data["display_name"],
        org=org,
        now=datetime.now(UTC),
    )
    return {**service.issue_tokens(user), "user": user}


@blp.route("/login", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_account_key,
    deduct_when=_refused,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    deduct_when=_refused,
    scope="login-address",
)
@blp.arguments(LoginIn)
@blp.response(200, SessionOut)
@blp.alt_response(429, description="Too many failed attempts; see Retry-After")
def login(data):
    """Sign in with username or phone; failed attempts are rate-limited per account and address."""
    user = service.authenticate(data["username"].strip(), data["password"])
    return {**service.issue_tokens(user), "user": user}


@blp.route("/refresh", methods=["POST"])
@jwt_required(refresh=True)
@blp.response(200, TokensOut)
def refresh():
    """Trade a refresh token for a new pair; the old refresh token stops working."""
    return service.rotate_refresh_token(current_actor(), get_jwt())


@blp.route("/logout", methods=["POST"])
@jwt_required()
@blp.arguments(LogoutIn, required=False)
@blp.response(204)
def logout(data):
    """Revoke this access token and, if given, the refresh token."""
    service.logout(current_actor(), get_jwt(), (data or {}).get("refresh_token"))


@me_blp.route("/me")
@jwt_required()
@me_blp.response(200, UserOut)
def me():
    return current_actor()


@me_blp.route("/me", methods=["PATCH"])
@jwt_required()
@me_blp.arguments(ProfileIn)
@me_blp.response(200, UserOut)
def update_profile(data):
    """Change the name others see."""
    return service.update_profile(current_actor(), display_name=data["display_name"])


@me_blp.route("/me/password", methods=["POST"])
@jwt_required()
@me_blp.arguments(PasswordChangeIn)
@me_blp.response(200, TokensOut)
def change_password(data):
    """Replace one's password (a one-time one first of all); other sessions end, this one
    goes on with the new tokens."""
    return service.change_own_password(
        current_actor(), data["current_password"], data["new_password"], now=utcnow()
    )


@me_blp.route("/users")
@jwt_required()
@me_blp.arguments(UserListArgs, location="query")
@me_blp.response(200, UserPage)
def list_users(args):
    """Accounts of the admin's subtree, newest first; search by name, username or phone."""
    actor = current_actor()
    items, next_cursor = service.list_users(
        actor,
        q=args.get("q"),
        role=args.get("role"),
        org=get_org_or_404(args["org_id"]) if "org_id" in args else None,
        active=args.get("active"),
        provider_id=args.get("provider_id"),
        limit=args["limit"],
        cursor=args.get("cursor"),
    )
    return {"items": items, "next_cursor": next_cursor}


@me_blp.route("/users/<int:user_id>", methods=["PATCH"])
@jwt_required()
@me_blp.arguments(UserPatch)
@me_blp.response(200, UserOut)
def update_user(data, user_id):
    """An admin edits an account of their subtree; `active: false` ends its sessions."""
    actor = current_actor()
    user = service.get_administered_user(actor, user_id)
    return service.update_user(actor, user, data, now=utcnow())


@me_blp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@jwt_required()
@me_blp.response(201, PasswordResetOut)
def reset_password(user_id):
    """A one-time password for an account of the admin's subtree, shown only in this answer."""
    actor = current_actor()
    user = service.get_administered_user(actor, user_id)
    return {"one_time_password": service.reset_password(actor, user, now=utcnow())}


@me_blp.route("/me/phone", methods=["POST"])
@jwt_required()
@me_blp.arguments(PhoneChangeIn)
@me_blp.response(200, UserOut)
def change_phone(data):
    """A new phone number, proved by the code POST /auth/verification-codes texted to it."""
    return service.change_phone(current_actor(), data["phone"], data["code"], now=utcnow())


@me_blp.route("/me/sign-out-everywhere", methods=["POST"])
@jwt_required()
@me_blp.response(204)
def sign_out_everywhere():
    """Every token of this account stops working, on every device (this one too)."""
    service.sign_out_everywhere(current_actor())


@me_blp.route("/users", methods=["POST"])
@jwt_required()
@me_blp.arguments(UserCreateIn)
@me_blp.response(201, UserOut)
def create_user(data):
    """Admins create staff (and resident) accounts in their subtree."""
    require_role(current_actor(), Role.ADMIN)
    org = get_org_or_404(data["org_id"])
    provider = get_provider_or_404(data["provider_id"]) if data.get("provider_id") else None
    return service.create_user(
        username=data["username"],
        password=data["password"],
        display_name=data["display_name"],
        role=data["role"],
        org=org,
        phone=data.get("phone"),
        provider=provider,
        actor=current_actor(),
        now=utcnow(),
    )
