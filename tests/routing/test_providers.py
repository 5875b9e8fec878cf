"""The provider registry: admins add and change providers by API (sheets: tests/sheets)."""

import pytest
from sqlalchemy import select

from linli.extensions import db
from linli.routing.models import Provider
from tests.support import API, assert_problem, snapshot

PROVIDERS = f"{API}/providers"


def body(world, **fields):
    return {
        "name": "阳光助老服务社",
        "type": "social_organisation",
        "categories": ["elderly_care", "community_meals"],
        "coverage": [world.community_a.id],
        "capacity": 20,
        "contact": "021-5555 0000",
        "active": True,
        **fields,
    }


def provider_named(name) -> Provider | None:
    db.session.expire_all()
    return db.session.scalar(select(Provider).where(Provider.name == name))


def test_an_admin_registers_a_provider(client, auth, world):
    response = client.post(PROVIDERS, json=body(world), headers=auth(world.admin))

    assert response.status_code == 201, response.get_json()
    out = response.get_json()
    assert {k: v for k, v in out.items() if k != "id"} == {
        "name": "阳光助老服务社",
        "type": "social_organisation",
        "categories": ["elderly_care", "community_meals"],
        "coverage": [world.community_a.id],
        "capacity": 20,
        "active": True,
        "contact": "021-5555 0000",
        "open_cases": 0,
        "load": 0.0,
    }
    assert provider_named("阳光助老服务社").id == out["id"]


def test_a_registered_provider_takes_part_in_routing(
    app, monkeypatch, client, auth, world, new_case
):
    created = client.post(PROVIDERS, json=body(world), headers=auth(world.admin)).get_json()
    monkeypatch.setitem(app.config, "AUTO_ROUTING", True)
    assert new_case()["provider_id"] == created["id"]


def test_registering_defaults_capacity_and_active(client, auth, world):
    minimal = {
        k: v for k, v in body(world).items() if k in ("name", "type", "categories", "coverage")
    }
    out = client.post(PROVIDERS, json=minimal, headers=auth(world.admin)).get_json()
    assert (out["capacity"], out["active"], out["contact"]) == (50, True, "")


@pytest.mark.parametrize(
    "who", ["dispatcher_a", "officer_district", "provider_staff", "resident_a"]
)
def test_only_admins_register_providers(client, auth, world, who):
    before = snapshot()
    response = client.post(PROVIDERS, json=body(world), headers=auth(getattr(world, who)))
    assert_problem(response, 403)
    assert snapshot() == before


def test_an_admin_changes_part_of_a_provider(client, auth, world):
    response = client.patch(
        f"{PROVIDERS}/{world.provider.id}",
        json={"capacity": 7, "contact": "110"},
        headers=auth(world.admin),
    )

    assert response.status_code == 200, response.get_json()
    out = response.get_json()
    assert (out["capacity"], out["contact"], out["name"], out["active"]) == (
        7,
        "110",
        "街道服务中心",
        True,
    )
    assert len(out["categories"]) == 10  # untouched


def test_patching_coverage_and_categories_replaces_them(client, auth, world):
    response = client.patch(
        f"{PROVIDERS}/{world.provider.id}",
        json={"categories": ["health"], "coverage": [world.grid_a1.id, world.grid_a2.id]},
        headers=auth(world.admin),
    )
    out = response.get_json()
    assert out["categories"] == ["health"]
    assert sorted(out["coverage"]) == sorted([world.grid_a1.id, world.grid_a2.id])


def test_a_deactivated_provider_leaves_routing(app, monkeypatch, client, auth, world, new_case):
    client.patch(
        f"{PROVIDERS}/{world.provider.id}", json={"active": False}, headers=auth(world.admin)
    )
    monkeypatch.setitem(app.config, "AUTO_ROUTING", True)

    case = new_case()

    assert (case["provider_id"], case["unmet_need"]) == (None, True)
    listed = client.get(
        f"{PROVIDERS}?category=elderly_care&org_id={world.grid_a1.id}",
        headers=auth(world.dispatcher_a),
    ).get_json()
    assert listed == []


def test_a_deactivated_provider_cannot_be_assigned(client, auth, world, new_case, act):
    client.patch(
        f"{PROVIDERS}/{world.provider.id}", json={"active": False}, headers=auth(world.admin)
    )
    case = new_case()
    assert_problem(
        act(world.dispatcher_a, case, "assign", provider_id=world.provider.id), 422, "provider_id"
    )


@pytest.mark.parametrize("who", ["dispatcher_a", "provider_staff"])
def test_only_admins_change_providers(client, auth, world, who):
    before = snapshot()
    response = client.patch(
        f"{PROVIDERS}/{world.provider.id}",
        json={"active": False},
        headers=auth(getattr(world, who)),
    )
    assert_problem(response, 403)
    assert snapshot() == before


@pytest.mark.parametrize("provider_id", [987654, 2**31, 10**30])
def test_patching_an_unknown_provider_is_a_404(client, auth, world, provider_id):
    response = client.patch(
        f"{PROVIDERS}/{provider_id}", json={"capacity": 3}, headers=auth(world.admin)
    )
    assert_problem(response, 404)


def test_the_provider_list_answers_who_covers_a_place_for_a_category(client, auth, world):
    def names(query):
        response = client.get(f"{PROVIDERS}?{query}", headers=auth(world.dispatcher_a))
        assert response.status_code == 200, response.get_json()
        return sorted(p["name"] for p in response.get_json())

    assert names(f"org_id={world.grid_b1.id}&category=health") == ["乙社区志愿队", "街道服务中心"]
    assert names(f"org_id={world.grid_a1.id}") == ["街道服务中心"]
