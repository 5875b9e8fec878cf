"""A street admin administers its street's subtree and nothing else; city-wide settings are
the city admin's (issue 11, scoped administration)."""

from sqlalchemy import select

from linli.accounts.models import Role
from linli.audit.models import AuditRecord
from linli.categories.models import Category
from linli.extensions import db
from tests.factories import make_user
from tests.support import API, CASES, assert_problem, count


def test_a_street_admin_lists_the_accounts_of_its_street_only(client, auth, world, streets):
    headers = auth(streets.admin1)
    usernames = {
        u["username"]
        for u in client.get(f"{API}/users?limit=200", headers=headers).get_json()["items"]
    }

    assert {"dispatcher_a", "dispatcher_b", "resident_a", "street_admin"} <= usernames
    assert not usernames & {"dispatcher_c2", "street_admin2", "admin", "officer_d"}
    assert_problem(
        client.get(f"{API}/users?org_id={streets.community_c2.id}", headers=headers),
        422,
        "org_id",
    )
    everyone = client.get(f"{API}/users?limit=200", headers=auth(world.admin)).get_json()
    assert {"dispatcher_c2", "street_admin2"} <= {u["username"] for u in everyone["items"]}


def test_a_street_admin_cannot_touch_another_streets_accounts(client, auth, streets):
    headers = auth(streets.admin1)
    other = streets.dispatcher_c2

    assert_problem(
        client.patch(f"{API}/users/{other.id}", headers=headers, json={"active": False}), 404
    )
    assert_problem(client.post(f"{API}/users/{other.id}/password-reset", headers=headers), 404)
    db.session.refresh(other)
    assert other.active and other.token_generation == 0


def _new_account(org, role="admin", **extra):
    return {
        "username": f"new-{role}-{org.id}",
        "password": "a-long-new-password",
        "display_name": "新同事",
        "role": role,
        "org_id": org.id,
        **extra,
    }


def test_nobody_gives_an_account_more_reach_than_their_own(client, auth, world, streets):
    headers = auth(streets.admin1)

    # No city admin, no admin of the district, no account in another street.
    for org in (world.city, world.district, streets.community_c2):
        assert_problem(
            client.post(f"{API}/users", headers=headers, json=_new_account(org)), 422, "org_id"
        )
    # No staff of a provider working elsewhere.
    staff = _new_account(world.community_a, "provider_staff", provider_id=streets.provider2.id)
    assert_problem(client.post(f"{API}/users", headers=headers, json=staff), 422, "provider_id")
    # Nor by moving an account of their own street up or out.
    for org in (world.district, streets.street2):
        assert_problem(
            client.patch(
                f"{API}/users/{world.dispatcher_a.id}", headers=headers, json={"org_id": org.id}
            ),
            422,
            "org_id",
        )
    # An admin of a community of their street, yes.
    created = client.post(f"{API}/users", headers=headers, json=_new_account(world.community_a))
    assert created.status_code == 201, created.get_json()


def test_city_wide_settings_are_the_city_admins(client, auth, world, streets):
    headers = auth(streets.admin1)
    sla = {"priority": "normal", "accept_within_minutes": 60, "resolve_within_minutes": 600}
    category = {"code": "street_only", "name_zh": "街道", "name_en": "Street"}

    assert_problem(client.post(f"{API}/categories", headers=headers, json=category), 403)
    assert_problem(
        client.patch(f"{API}/categories/other", headers=headers, json={"active": False}), 403
    )
    assert_problem(client.put(f"{API}/sla-policies", headers=headers, json=sla), 403)
    city = auth(world.admin)
    assert client.post(f"{API}/categories", headers=city, json=category).status_code == 201
    assert client.put(f"{API}/sla-policies", headers=city, json=sla).status_code == 200


def test_a_street_admin_runs_the_providers_of_its_street(client, auth, world, streets):
    headers = auth(streets.admin1)
    body = {"name": "甲街道新单位", "type": "enterprise", "categories": ["elderly_care"]}

    outside = client.post(
        f"{API}/providers", headers=headers, json={**body, "coverage": [streets.grid_c2.id]}
    )
    assert_problem(outside, 422, "coverage")
    inside = client.post(
        f"{API}/providers", headers=headers, json={**body, "coverage": [world.community_a.id]}
    )
    assert inside.status_code == 201, inside.get_json()
    # world.provider covers the street: theirs; provider2 is the other street's.
    ok = client.patch(f"{API}/providers/{world.provider.id}", headers=headers, json={"capacity": 9})
    assert ok.status_code == 200, ok.get_json()
    assert_problem(
        client.patch(
            f"{API}/providers/{streets.provider2.id}", headers=headers, json={"capacity": 9}
        ),
        404,
    )
    assert_problem(
        client.patch(
            f"{API}/providers/{world.provider.id}",
            headers=headers,
            json={"coverage": [world.district.id]},
        ),
        422,
        "coverage",
    )


def test_a_street_admin_sees_the_cases_of_its_street_only(client, auth, world, streets, new_case):
    mine = new_case()
    theirs = new_case(reporter=world.resident_b, org_id=world.grid_b1.id)
    # A resident of the second street reports there.
    resident_c = make_user("resident_c", Role.RESIDENT, streets.grid_c2, phone="13900000009")
    db.session.commit()
    elsewhere = new_case(reporter=resident_c, org_id=streets.grid_c2.id)

    def ids(user):
        return {c["id"] for c in client.get(CASES, headers=auth(user)).get_json()["items"]}

    assert ids(streets.admin1) >= {mine["id"], theirs["id"]}
    assert elsewhere["id"] not in ids(streets.admin1)
    assert ids(streets.admin2) == {elsewhere["id"]}
    assert {mine["id"], theirs["id"], elsewhere["id"]} <= ids(world.admin)
    assert_problem(client.get(f"{CASES}/{elsewhere['id']}", headers=auth(streets.admin1)), 404)


def test_the_audit_log_is_the_subtrees(client, auth, world, streets):
    city, street1, street2 = auth(world.admin), auth(streets.admin1), auth(streets.admin2)
    client.patch(
        f"{API}/users/{world.dispatcher_a.id}", headers=city, json={"display_name": "甲调度员"}
    )
    client.patch(
        f"{API}/users/{streets.dispatcher_c2.id}", headers=city, json={"display_name": "丙调度员"}
    )
    client.patch(f"{API}/categories/other", headers=city, json={"active": False})

    def logged(headers, query=""):
        body = client.get(f"{API}/audit?{query}", headers=headers).get_json()
        return {(r["object_type"], r["object_id"]) for r in body["items"]}

    a, c2 = ("user", str(world.dispatcher_a.id)), ("user", str(streets.dispatcher_c2.id))
    other = (
        "category",
        str(db.session.scalar(select(Category.id).where(Category.code == "other"))),
    )
    assert logged(street1) == {a}
    assert logged(street2) == {c2}
    assert logged(city) == {a, c2, other}
    # Searchable: by a changed value (Chinese too), by object type, by actor.
    assert logged(city, "q=甲调度") == {a}
    assert logged(city, "object_type=category") == {other}
    assert logged(city, f"actor_id={world.admin.id}&object_type=user") == {a, c2}
    assert logged(street1, "q=admin") == {a}  # the actor's username
    assert count(AuditRecord) == 3


def test_only_admins_read_the_log_and_the_accounts(client, auth, world):
    for user in (world.officer_district, world.dispatcher_a):
        assert_problem(client.get(f"{API}/audit", headers=auth(user)), 403)
        assert_problem(client.get(f"{API}/users", headers=auth(user)), 403)
