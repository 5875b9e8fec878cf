"""Issue 7, items 7–10: token claims, refresh-token families, login counting, registration."""

from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token

from tests.factories import PASSWORD
from tests.support import API, assert_problem


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def login(client, username, password=PASSWORD, **kwargs):
    return client.post(f"{API}/auth/login", json={"username": username, "password": password},
                       **kwargs)


def refresh(client, token):
    return client.post(f"{API}/auth/refresh", headers=bearer(token))


def me(client, token):
    return client.get(f"{API}/me", headers=bearer(token))


# Item 9: a validly signed token must name an account id and carry a jti ------------------


@pytest.mark.parametrize("sub", ["abc", "9" * 30, str(2**63), "0", "-3", "1e3", " 1", "١٢", ""])
@pytest.mark.parametrize("kind", ["access", "refresh"])
def test_a_signed_token_whose_subject_is_not_an_account_id_is_a_401(client, world, sub, kind):
    make = create_access_token if kind == "access" else create_refresh_token
    token = make(identity=sub, additional_claims={"role": "resident"})

    response = me(client, token) if kind == "access" else refresh(client, token)

    assert_problem(response, 401)


def _signed(app, **claims):
    now = datetime.now(UTC)
    payload = {"iat": now, "nbf": now, "exp": now + timedelta(minutes=5), "fresh": False,
               "type": "access", "role": "resident", **claims}
    return pyjwt.encode(payload, app.config["JWT_SECRET_KEY"], algorithm="HS256")


@pytest.mark.parametrize("jti", [None, "", 5, "x" * 200])
def test_a_signed_token_without_a_proper_jti_is_a_401(app, client, world, jti):
    claims = {"sub": str(world.resident_a.id)}
    if jti is not None:
        claims["jti"] = jti
    access = _signed(app, **claims)
    refresh_token = _signed(app, **{**claims, "type": "refresh"})

    assert_problem(me(client, access), 401)
    assert_problem(refresh(client, refresh_token), 401)


def test_a_well_formed_signed_token_still_works(app, client, world):
    token = _signed(app, sub=str(world.resident_a.id), jti="a-proper-jti")

    assert me(client, token).status_code == 200


def test_logout_refuses_a_refresh_token_without_a_jti_and_revokes_nothing(app, client, world):
    session = login(client, "resident_a").get_json()
    odd = _signed(app, sub=str(world.resident_a.id), type="refresh")

    response = client.post(f"{API}/auth/logout", json={"refresh_token": odd},
                           headers=bearer(session["access_token"]))

    assert_problem(response, 422, "refresh_token")
    assert me(client, session["access_token"]).status_code == 200
