"""Admins create staff accounts through POST /api/v1/users."""

import pytest
from sqlalchemy import func, select

from linli.accounts.models import Role, User
from linli.extensions import db
from tests.support import assert_problem


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def staff_body(world, role_name, **fields):
    # Where each role naturally works in the test world.
    org = {
        "resident": world.grid_a1,
        "grid_worker": world.grid_a1,
        "provider_staff": world.street,
        "dispatcher": world.community_a,
        "officer": world.street,
        "party_reviewer": world.community_a,
        "admin": world.city,
    }[role_name]
    body = {
        "username": f"new_{role_name}",
        "password": "long-enough-pw",
        "display_name": "新同事",
        "role": role_name,
        "org_id": org.id,
    }
    if role_name == "provider_staff":
        body["provider_id"] = world.provider.id
    return {**body, **fields}


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_admin_creates_an_account_of_each_role(client, auth, world, role):
    body = staff_body(world, role)

    response = client.post("/api/v1/users", json=body, headers=auth(world.admin))

    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert {k: created[k] for k in ("username", "role", "org_id")} == {
        "username": body["username"],
        "role": role,
        "org_id": body["org_id"],
    }
    assert created["provider_id"] == body.get("provider_id")
    assert "password" not in created and "password_hash" not in created
    stored = db.session.get(User, created["id"])
    assert stored.password_hash.startswith("$argon2id$")
    signed_in = client.post(
        "/api/v1/auth/login", json={"username": body["username"], "password": "long-enough-pw"}
    )
    assert signed_in.status_code == 200
    assert signed_in.get_json()["user"]["role"] == role


def test_admin_may_give_staff_a_phone_which_is_normalised(client, auth, world):
    body = staff_body(world, "dispatcher", phone="+86 139 8888 0000")

    response = client.post("/api/v1/users", json=body, headers=auth(world.admin))

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["phone"] == "13988880000"


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_only_admins_create_accounts(client, auth, world, role):
    before = user_count()

    response = client.post(
        "/api/v1/users", json=staff_body(world, "dispatcher"), headers=auth(world.user(role))
    )

    assert_problem(response, 403)
    assert user_count() == before


def test_creating_accounts_needs_a_token(client, world):
    before = user_count()

    assert_problem(client.post("/api/v1/users", json=staff_body(world, "dispatcher")), 401)
    assert user_count() == before


@pytest.mark.parametrize(
    ("role", "fields", "field"),
    [
        ("provider_staff", {"provider_id": None}, "provider_id"),
        ("dispatcher", {"provider_id": "provider"}, "provider_id"),
        ("resident", {"provider_id": "provider"}, "provider_id"),
        ("grid_worker", {"org_id": "street"}, "org_id"),
        ("grid_worker", {"org_id": "district"}, "org_id"),
        ("dispatcher", {"phone": "01012345678"}, "phone"),
        ("dispatcher", {"password": "short"}, "password"),
        ("dispatcher", {"username": "has space"}, "username"),
        ("dispatcher", {"role": "superuser"}, "role"),
        ("dispatcher", {"org_id": None}, "org_id"),
    ],
)
def test_account_creation_refuses_inconsistent_accounts(client, auth, world, role, fields, field):
    refs = {"provider": world.provider.id, "street": world.street.id, "district": world.district.id}
    body = staff_body(world, role, **{k: refs.get(v, v) for k, v in fields.items()})
    body = {k: v for k, v in body.items() if v is not None}
    before = user_count()

    response = client.post("/api/v1/users", json=body, headers=auth(world.admin))

    assert_problem(response, 422, field)
    assert user_count() == before


def test_grid_worker_may_work_all_grids_of_a_community(client, auth, world):
    response = client.post(
        "/api/v1/users",
        json=staff_body(world, "grid_worker", org_id=world.community_a.id),
        headers=auth(world.admin),
    )

    assert response.status_code == 201, response.get_json()


def test_duplicate_username_is_a_conflict(client, auth, world):
    before = user_count()

    response = client.post(
        "/api/v1/users",
        json=staff_body(world, "dispatcher", username="dispatcher_a"),
        headers=auth(world.admin),
    )

    assert_problem(response, 409, "username")
    assert user_count() == before


def test_duplicate_phone_is_a_conflict(client, auth, world):
    before = user_count()

    response = client.post(
        "/api/v1/users",
        json=staff_body(world, "dispatcher", phone="13900000001"),
        headers=auth(world.admin),
    )

    assert_problem(response, 409, "phone")
    assert user_count() == before


@pytest.mark.parametrize(
    ("fields", "role"),
    [({"org_id": 999_999}, "dispatcher"), ({"provider_id": 999_999}, "provider_staff")],
)
def test_unknown_org_or_provider_is_not_found(client, auth, world, fields, role):
    before = user_count()

    response = client.post(
        "/api/v1/users", json=staff_body(world, role, **fields), headers=auth(world.admin)
    )

    assert_problem(response, 404)
    assert user_count() == before
