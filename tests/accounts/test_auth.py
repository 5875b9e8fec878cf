"""Sign-up, sign-in, tokens and login rate limits, all through the HTTP API."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask_jwt_extended import decode_token
from sqlalchemy import func, select

from linli.accounts.models import RevokedToken, User
from linli.extensions import db
from tests.accounts.conftest import ask_for_code, sent_code
from tests.factories import PASSWORD
from tests.support import assert_problem


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def register(client, **fields):
    """Register, asking for the phone's code first (unless the test brings its own)."""
    if "code" not in fields and isinstance(fields.get("phone"), str):
        ask_for_code(client, fields["phone"])
        fields["code"] = sent_code(fields["phone"]) or "000000"
    return client.post("/api/v1/auth/register", json=fields)


def login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# Registration ---------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["13912345678", "+86 139 1234 5678", "139-1234-5678"])
def test_resident_registers_with_a_mainland_mobile_and_is_signed_in(client, world, phone):
    response = register(
        client,
        phone=phone,
        password="long-enough-pw",
        display_name="王阿姨",
        org_id=world.grid_a1.id,
    )

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["access_token"] and body["refresh_token"]
    assert body["user"]["role"] == "resident"
    assert body["user"]["username"] == body["user"]["phone"] == "13912345678"
    assert body["user"]["org_id"] == world.grid_a1.id
    assert body["user"]["provider_id"] is None
    me = client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.get_json()["id"] == body["user"]["id"]


def test_resident_may_register_at_community_level(client, world):
    response = register(
        client,
        phone="13912345678",
        password="long-enough-pw",
        display_name="王",
        org_id=world.community_a.id,
    )

    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(
    "phone", ["12345", "+1 650 253 0000", "01012345678", "1391234567", "not a phone"]
)
def test_registration_refuses_anything_but_a_mainland_mobile(client, world, phone):
    before = user_count()

    response = register(
        client, phone=phone, password="long-enough-pw", display_name="王", org_id=world.grid_a1.id
    )

    assert_problem(response, 422, "phone")
    assert user_count() == before


@pytest.mark.parametrize("phone", ["13900000001", "+86 139 0000 0001"])
def test_registration_of_a_phone_already_registered_is_refused_like_a_wrong_code(
    client, world, phone
):
    before = user_count()

    response = register(
        client, phone=phone, password="long-enough-pw", display_name="王", org_id=world.grid_a1.id
    )

    # No code is ever sent to a registered number: the answer does not tell it has an account.
    assert assert_problem(response, 422, "code")["errors"] == {
        "code": ["wrong or expired code; ask for a new one"]
    }
    assert user_count() == before


@pytest.mark.parametrize("org", ["city", "district", "street"])
def test_registration_refuses_a_home_above_community_level(client, world, org):
    before = user_count()

    response = register(
        client,
        phone="13912345678",
        password="long-enough-pw",
        display_name="王",
        org_id=getattr(world, org).id,
    )

    assert_problem(response, 422, "org_id")
    assert user_count() == before


def test_registration_at_an_unknown_org_is_not_found(client, world):
    before = user_count()

    response = register(
        client, phone="13912345678", password="long-enough-pw", display_name="王", org_id=999_999
    )

    assert_problem(response, 404)
    assert user_count() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"password": "short"}, "password"),
        ({"password": None}, "password"),
        ({"display_name": "   "}, "display_name"),
        ({"org_id": "1"}, "org_id"),
        ({"org_id": 0}, "org_id"),
        ({"phone": None}, "phone"),
    ],
)
def test_registration_validates_its_fields(client, world, fields, field):
    body = {
        "phone": "13912345678",
        "password": "long-enough-pw",
        "display_name": "王",
        "org_id": world.grid_a1.id,
        **fields,
    }
    body = {k: v for k, v in body.items() if v is not None}
    before = user_count()

    assert_problem(client.post("/api/v1/auth/register", json=body), 422, field)
    assert user_count() == before


def test_passwords_are_stored_as_argon2id_hashes(client, world):
    register(
        client,
        phone="13912345678",
        password="long-enough-pw",
        display_name="王",
        org_id=world.grid_a1.id,
    )

    stored = db.session.scalar(select(User.password_hash).where(User.username == "13912345678"))
    assert stored.startswith("$argon2id$")
    assert "long-enough-pw" not in stored
    assert all(u.password_hash.startswith("$argon2id$") for u in db.session.scalars(select(User)))


# Login -------------------------------------------------------------------------------------


@pytest.mark.parametrize("login_name", ["resident_a", "13900000001", "+86 139-0000-0001"])
def test_resident_logs_in_by_username_or_phone(client, world, login_name):
    response = login(client, login_name)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["user"]["id"] == world.resident_a.id
    assert body["access_token"] and body["refresh_token"]


def test_wrong_password_and_unknown_user_get_the_same_answer(client, world):
    wrong = login(client, "resident_a", "not-the-password")
    unknown = login(client, "nobody_here", "not-the-password")

    assert assert_problem(wrong, 401) == assert_problem(unknown, 401)


def test_inactive_user_can_neither_log_in_nor_use_a_token(client, world):
    token = login(client, "resident_a").get_json()["access_token"]
    world.resident_a.active = False
    db.session.flush()

    assert_problem(login(client, "resident_a"), 401)
    assert_problem(client.get("/api/v1/me", headers=bearer(token)), 401)


def test_me_describes_the_signed_in_user(client, world, auth):
    response = client.get("/api/v1/me", headers=auth(world.provider_staff))

    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("id", "username", "role", "org_id", "provider_id")} == {
        "id": world.provider_staff.id,
        "username": "staff",
        "role": "provider_staff",
        "org_id": world.street.id,
        "provider_id": world.provider.id,
    }


def test_me_needs_a_token(client, world):
    response = client.get("/api/v1/me")

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


# Tokens -------------------------------------------------------------------------------------


def test_refresh_hands_out_a_new_pair_and_retires_the_old_refresh_token(client, world):
    session = login(client, "resident_a").get_json()

    refreshed = client.post("/api/v1/auth/refresh", headers=bearer(session["refresh_token"]))

    assert refreshed.status_code == 200, refreshed.get_json()
    pair = refreshed.get_json()
    assert pair["refresh_token"] != session["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200
    assert (
        client.post("/api/v1/auth/refresh", headers=bearer(pair["refresh_token"])).status_code
        == 200
    )
    # Replaying the retired token is refused (and ends the session: see test_hardening.py).
    assert_problem(
        client.post("/api/v1/auth/refresh", headers=bearer(session["refresh_token"])), 401
    )


def test_an_access_token_cannot_refresh(client, world):
    session = login(client, "resident_a").get_json()

    assert_problem(
        client.post("/api/v1/auth/refresh", headers=bearer(session["access_token"])), 401
    )


def test_a_refresh_token_is_not_an_access_token(client, world):
    session = login(client, "resident_a").get_json()

    assert_problem(client.get("/api/v1/me", headers=bearer(session["refresh_token"])), 401)


def test_a_garbled_token_is_refused(client, world):
    assert_problem(client.get("/api/v1/me", headers=bearer("not.a.token")), 401)


def test_logout_revokes_the_access_and_refresh_tokens(client, world):
    session = login(client, "resident_a").get_json()

    response = client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": session["refresh_token"]},
        headers=bearer(session["access_token"]),
    )

    assert response.status_code == 204
    assert_problem(client.get("/api/v1/me", headers=bearer(session["access_token"])), 401)
    assert_problem(
        client.post("/api/v1/auth/refresh", headers=bearer(session["refresh_token"])), 401
    )
    revoked = set(db.session.scalars(select(RevokedToken.jti)))
    assert {
        decode_token(session["access_token"])["jti"],
        decode_token(session["refresh_token"])["jti"],
    } <= revoked


def test_logout_without_a_body_ends_the_session(client, world):
    session = login(client, "resident_a").get_json()

    assert (
        client.post("/api/v1/auth/logout", headers=bearer(session["access_token"])).status_code
        == 204
    )

    assert_problem(client.get("/api/v1/me", headers=bearer(session["access_token"])), 401)
    assert_problem(
        client.post("/api/v1/auth/refresh", headers=bearer(session["refresh_token"])), 401
    )


@pytest.mark.parametrize("given", ["someone elses", "my access token", "garbage"])
def test_logout_refuses_a_refresh_token_that_is_not_mine_and_revokes_nothing(client, world, given):
    mine = login(client, "resident_a").get_json()
    theirs = login(client, "resident_b").get_json()
    token = {
        "someone elses": theirs["refresh_token"],
        "my access token": mine["access_token"],
        "garbage": "not.a.token",
    }[given]

    response = client.post(
        "/api/v1/auth/logout", json={"refresh_token": token}, headers=bearer(mine["access_token"])
    )

    assert_problem(response, 422, "refresh_token")
    assert db.session.scalar(select(func.count()).select_from(RevokedToken)) == 0
    assert client.get("/api/v1/me", headers=bearer(mine["access_token"])).status_code == 200
    assert (
        client.post("/api/v1/auth/refresh", headers=bearer(theirs["refresh_token"])).status_code
        == 200
    )


def test_an_expired_access_token_is_refused(app, client, world):
    session = login(client, "resident_a").get_json()
    lifetime = app.config["JWT_ACCESS_TOKEN_EXPIRES"]

    with time_machine.travel(datetime.now(UTC) + lifetime + timedelta(seconds=5), tick=False):
        response = client.get("/api/v1/me", headers=bearer(session["access_token"]))
        assert_problem(response, 401)
        assert "expired" in response.get_json()["detail"]
        # The refresh token outlives it and still trades for a working pair.
        pair = client.post(
            "/api/v1/auth/refresh", headers=bearer(session["refresh_token"])
        ).get_json()
        assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200


# Rate limits ------------------------------------------------------------------------------


def assert_rate_limited(response):
    assert_problem(response, 429)
    retry_after = response.headers["Retry-After"]
    assert retry_after.isdigit() and int(retry_after) > 0


def test_failed_logins_are_limited_per_account(client, world):
    for _ in range(5):
        assert_problem(login(client, "resident_a", "wrong-password"), 401)

    assert_rate_limited(login(client, "resident_a", "wrong-password"))
    assert_rate_limited(login(client, "resident_a"))  # the right password waits too
    assert login(client, "resident_a2").status_code == 200  # another account is not affected


def test_account_limit_ignores_the_case_of_the_username(client, world):
    for name in ["resident_a", "RESIDENT_A", "Resident_A", "resident_a ", "resident_A"]:
        assert_problem(login(client, name, "wrong-password"), 401)

    assert_rate_limited(login(client, "resident_a"))


def test_successful_logins_do_not_count_against_the_limit(client, world):
    for _ in range(4):
        assert_problem(login(client, "resident_a", "wrong-password"), 401)
    for _ in range(6):
        assert login(client, "resident_a").status_code == 200

    assert_problem(login(client, "resident_a", "wrong-password"), 401)
    assert_rate_limited(login(client, "resident_a", "wrong-password"))


def test_account_limit_follows_the_configuration(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "2 per minute")

    for _ in range(2):
        assert_problem(login(client, "resident_a", "wrong-password"), 401)

    assert_rate_limited(login(client, "resident_a"))


def test_failed_logins_are_limited_per_address(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per minute")

    for name in ["resident_a", "resident_a2", "resident_b"]:
        assert_problem(login(client, name, "wrong-password"), 401)

    # Each account has failed once only, but this address has used up its attempts.
    assert_rate_limited(login(client, "grid_a1"))
    other_address = client.post(
        "/api/v1/auth/login",
        json={"username": "grid_a1", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert other_address.status_code == 200
