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


# Item 8: a session is a family of tokens; reuse or logout ends all of it ---------------------


def test_replaying_a_rotated_refresh_token_ends_the_whole_session(client, world):
    first = login(client, "resident_a").get_json()
    second = refresh(client, first["refresh_token"]).get_json()
    third = refresh(client, second["refresh_token"]).get_json()

    assert_problem(refresh(client, first["refresh_token"]), 401)  # the replay (a thief, or us)

    # Every token of that session stops working, the newest included ...
    assert_problem(refresh(client, third["refresh_token"]), 401)
    assert_problem(me(client, third["access_token"]), 401)
    assert_problem(me(client, second["access_token"]), 401)


def test_a_replay_leaves_the_users_other_sessions_alone(client, world):
    phone = login(client, "resident_a").get_json()
    laptop = login(client, "resident_a").get_json()
    refresh(client, phone["refresh_token"])

    assert_problem(refresh(client, phone["refresh_token"]), 401)

    assert me(client, laptop["access_token"]).status_code == 200
    assert refresh(client, laptop["refresh_token"]).status_code == 200


def test_tokens_of_one_session_share_a_family_and_a_new_login_starts_another(client, world):
    first = login(client, "resident_a").get_json()
    rotated = refresh(client, first["refresh_token"]).get_json()
    other = login(client, "resident_a").get_json()

    families = {name: decode_token(token)["family"] for name, token in [
        ("access", first["access_token"]), ("refresh", first["refresh_token"]),
        ("rotated", rotated["access_token"]), ("rotated_refresh", rotated["refresh_token"]),
    ]}
    assert len(set(families.values())) == 1
    assert decode_token(other["refresh_token"])["family"] not in families.values()


def test_logout_without_a_body_ends_the_session_of_its_access_token(client, world):
    session = login(client, "resident_a").get_json()
    rotated = refresh(client, session["refresh_token"]).get_json()
    other = login(client, "resident_a").get_json()

    response = client.post(f"{API}/auth/logout", headers=bearer(rotated["access_token"]))

    assert response.status_code == 204
    assert_problem(me(client, rotated["access_token"]), 401)
    assert_problem(refresh(client, rotated["refresh_token"]), 401)
    assert me(client, other["access_token"]).status_code == 200
    assert refresh(client, other["refresh_token"]).status_code == 200


def test_logout_with_a_refresh_token_of_another_session_ends_both(client, world):
    one = login(client, "resident_a").get_json()
    two = login(client, "resident_a").get_json()

    response = client.post(f"{API}/auth/logout", json={"refresh_token": two["refresh_token"]},
                           headers=bearer(one["access_token"]))

    assert response.status_code == 204
    for session in (one, two):
        assert_problem(refresh(client, session["refresh_token"]), 401)
        assert_problem(me(client, session["access_token"]), 401)


def test_a_token_from_before_families_still_refreshes_into_a_session_of_its_own(client, world):
    legacy = create_refresh_token(identity=str(world.resident_a.id),
                                  additional_claims={"role": "resident"})

    pair = refresh(client, legacy).get_json()

    assert me(client, pair["access_token"]).status_code == 200
    assert_problem(refresh(client, legacy), 401)
    assert_problem(refresh(client, pair["refresh_token"]), 401)  # the replay ended the chain


# Item 7: failed logins count against the account sign-in resolves to ------------------------

SPELLINGS = ["13900000001", "+86 139 0000 0001", "139-0000-0001", "+8613900000001",
             "139 0000 0001", "+86-139-0000-0001", "0086 139 0000 0001", "8613900000001"]


def assert_rate_limited(response):
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0


def test_spellings_of_one_phone_number_count_as_one_account(client, world):
    for spelling in SPELLINGS[:5]:
        assert_problem(login(client, spelling, "wrong-password"), 401)

    for spelling in SPELLINGS:
        assert_rate_limited(login(client, spelling, "wrong-password"))
    assert_rate_limited(login(client, "resident_a"))  # the same account by its username
    assert login(client, "resident_a2").status_code == 200


def test_a_phone_and_a_username_of_one_account_share_the_limit(client, world):
    for name in ["resident_a", "+86 139 0000 0001", "RESIDENT_A", "13900000001", "resident_a"]:
        assert_problem(login(client, name, "wrong-password"), 401)

    assert_rate_limited(login(client, "139-0000-0001"))


def test_unknown_phone_numbers_are_counted_by_their_normalised_number(client, world):
    for spelling in ["13912345678", "+86 139 1234 5678", "139-1234-5678", "+8613912345678",
                     "139 1234 5678"]:
        assert_problem(login(client, spelling, "wrong-password"), 401)

    assert_rate_limited(login(client, "0086 139-1234-5678", "wrong-password"))
