"""Reference data: the org tree, categories, providers covering a place, and a grid's homes."""

import pytest
from sqlalchemy import func, select

from linli.accounts.models import Role
from linli.cases.models import Case
from linli.categories.models import Category
from linli.categories.service import NATIONAL_CATEGORIES
from linli.extensions import db
from linli.routing.models import ProviderType
from linli.routing.service import create_provider
from tests.support import assert_problem

NATIONAL_CODES = [code for code, *_ in NATIONAL_CATEGORIES]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Orgs ---------------------------------------------------------------------------------------


def test_org_tree_is_a_public_flat_list(client, world):
    response = client.get("/api/v1/orgs")

    assert response.status_code == 200
    orgs = response.get_json()
    assert [o["code"] for o in orgs] == [
        "t-city",
        "t-d",
        "t-s",
        "t-ca",
        "t-ca-1",
        "t-ca-2",
        "t-cb",
        "t-cb-1",
    ]
    assert orgs[4] == {
        "id": world.grid_a1.id,
        "parent_id": world.community_a.id,
        "kind": "grid",
        "code": "t-ca-1",
        "name": "甲1网格",
        "name_en": "",
        "active": True,
    }
    assert orgs[0]["parent_id"] is None


def test_org_list_filters_by_parent(client, world):
    response = client.get(f"/api/v1/orgs?parent_id={world.community_a.id}")

    assert response.status_code == 200
    assert [o["id"] for o in response.get_json()] == [world.grid_a1.id, world.grid_a2.id]


def test_org_list_of_a_leaf_is_empty(client, world):
    assert client.get(f"/api/v1/orgs?parent_id={world.grid_b1.id}").get_json() == []


@pytest.mark.parametrize("parent_id", ["abc", "0", "-1", "99999999999"])
def test_org_list_refuses_a_bad_parent_id(client, world, parent_id):
    assert_problem(client.get(f"/api/v1/orgs?parent_id={parent_id}"), 422, "parent_id")


# Categories -----------------------------------------------------------------------------------


def test_categories_list_the_national_codes_in_both_languages(client, world):
    response = client.get("/api/v1/categories")

    assert response.status_code == 200
    categories = response.get_json()
    assert [c["code"] for c in categories] == NATIONAL_CODES
    assert len(NATIONAL_CODES) == 10
    assert all(c["name_zh"] and c["name_en"] and c["active"] for c in categories)
    assert categories[0] == {
        "code": "elderly_care",
        "name_zh": "养老服务",
        "name_en": "Elderly care",
        "icon": "elderly",
        "active": True,
        "sort_order": 0,
        "fields": [],
    }


def test_admin_adds_a_category_that_residents_can_then_use(client, auth, world, new_case):
    response = client.post(
        "/api/v1/categories",
        headers=auth(world.admin),
        json={"code": "pet_care", "name_zh": "宠物服务", "name_en": "Pet care"},
    )

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["active"] is True
    assert [c["code"] for c in client.get("/api/v1/categories").get_json()][-1] == "pet_care"
    assert new_case(category="pet_care")["category"] == "pet_care"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"code": "elderly_care", "name_zh": "重复", "name_en": "Dup"}, 409, "code"),
        ({"code": "Bad Code", "name_zh": "坏", "name_en": "Bad"}, 422, "code"),
        ({"code": "pet_care", "name_en": "Pet care"}, 422, "name_zh"),
        ({"code": "pet_care", "name_zh": "宠物", "name_en": "x" * 61}, 422, "name_en"),
    ],
)
def test_adding_a_bad_category_is_refused(client, auth, world, body, status, field):
    before = count(Category)

    assert_problem(
        client.post("/api/v1/categories", headers=auth(world.admin), json=body), status, field
    )
    assert count(Category) == before


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_only_admins_manage_categories(client, auth, world, role):
    before = count(Category)
    headers = auth(world.user(role))

    assert_problem(
        client.post(
            "/api/v1/categories",
            headers=headers,
            json={"code": "pet_care", "name_zh": "宠物", "name_en": "Pets"},
        ),
        403,
    )
    assert_problem(
        client.patch("/api/v1/categories/fitness", headers=headers, json={"active": False}), 403
    )
    assert count(Category) == before
    assert "fitness" in [c["code"] for c in client.get("/api/v1/categories").get_json()]


def test_deactivated_category_is_hidden_and_refused_for_new_cases(client, auth, world):
    response = client.patch(
        "/api/v1/categories/fitness", headers=auth(world.admin), json={"active": False}
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["active"] is False
    assert "fitness" not in [c["code"] for c in client.get("/api/v1/categories").get_json()]
    reported = client.post(
        "/api/v1/cases",
        headers=auth(world.resident_a),
        json={
            "category": "fitness",
            "title": "器材坏了",
            "description": "漫步机断了",
            "org_id": world.grid_a1.id,
        },
    )
    assert_problem(reported, 422, "category")
    assert count(Case) == 0


def test_reactivated_category_is_offered_again(client, auth, world, new_case):
    client.patch("/api/v1/categories/fitness", headers=auth(world.admin), json={"active": False})

    response = client.patch(
        "/api/v1/categories/fitness", headers=auth(world.admin), json={"active": True}
    )

    assert response.get_json()["active"] is True
    assert new_case(category="fitness")["category"] == "fitness"


def test_deactivating_an_unknown_category_is_not_found(client, auth, world):
    assert_problem(
        client.patch("/api/v1/categories/nope", headers=auth(world.admin), json={"active": False}),
        404,
    )


# Providers ----------------------------------------------------------------------------------


def providers(client, auth, user, **query):
    response = client.get("/api/v1/providers", query_string=query, headers=auth(user))
    assert response.status_code == 200, response.get_json()
    return {p["id"] for p in response.get_json()}


def test_providers_covering_a_grid_include_those_covering_its_street(client, auth, world):
    found = providers(
        client, auth, world.dispatcher_a, category="elderly_care", org_id=world.grid_a1.id
    )

    assert found == {world.provider.id}


def test_a_communitys_provider_covers_only_that_community(client, auth, world):
    in_b = providers(
        client, auth, world.dispatcher_b, category="elderly_care", org_id=world.grid_b1.id
    )
    at_street = providers(
        client, auth, world.dispatcher_b, category="elderly_care", org_id=world.street.id
    )

    assert in_b == {world.provider.id, world.other_provider.id}
    assert at_street == {world.provider.id}


def test_providers_are_filtered_by_the_categories_they_serve(client, auth, world):
    childcare = db.session.scalar(select(Category).where(Category.code == "childcare"))
    nursery = create_provider(
        name="甲社区托育点",
        type=ProviderType.ENTERPRISE,
        categories=[childcare],
        coverage=[world.community_a],
    )

    assert nursery.id in providers(
        client, auth, world.admin, category="childcare", org_id=world.grid_a2.id
    )
    assert nursery.id not in providers(
        client, auth, world.admin, category="health", org_id=world.grid_a2.id
    )
    assert nursery.id in providers(client, auth, world.admin, org_id=world.grid_a2.id)
    assert nursery.id not in providers(client, auth, world.admin, org_id=world.grid_b1.id)


def test_inactive_providers_are_not_offered(client, auth, world):
    world.other_provider.active = False
    db.session.flush()

    assert providers(client, auth, world.admin, org_id=world.grid_b1.id) == {world.provider.id}


def test_provider_listing_describes_each_provider(client, auth, world):
    response = client.get(
        "/api/v1/providers", query_string={"org_id": world.grid_a1.id}, headers=auth(world.admin)
    )

    (provider,) = response.get_json()
    assert provider["name"] == "街道服务中心"
    assert provider["type"] == "government_department"
    assert set(provider["categories"]) == set(NATIONAL_CODES)
    assert provider["active"] is True


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"category": "no_such"}, 422, "category"),
        ({"org_id": 999_999}, 404, None),
        ({"org_id": "abc"}, 422, "org_id"),
    ],
)
def test_provider_listing_refuses_unknown_filters(client, auth, world, query, status, field):
    assert_problem(
        client.get("/api/v1/providers", query_string=query, headers=auth(world.admin)),
        status,
        field,
    )


def test_provider_listing_needs_a_token(client, world):
    assert_problem(client.get("/api/v1/providers"), 401)


# Buildings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["grid_worker_a1", "dispatcher_a", "officer_street", "admin"])
def test_staff_in_scope_see_a_grids_buildings_and_households(client, auth, world, user):
    response = client.get(
        f"/api/v1/orgs/{world.grid_a1.id}/buildings", headers=auth(getattr(world, user))
    )

    assert response.status_code == 200, response.get_json()
    (building,) = response.get_json()
    assert building["id"] == world.building_a1.id
    assert building["name"] == "1号楼"
    assert [h["label"] for h in building["households"]] == ["1-101", "1-102"]


@pytest.mark.parametrize(
    ("user", "org"),
    [
        ("grid_worker_a1", "grid_b1"),
        ("grid_worker_a1", "grid_a2"),
        ("dispatcher_b", "grid_a1"),
        ("grid_worker_a1", "community_a"),
    ],
)
def test_buildings_outside_ones_scope_are_not_found(client, auth, world, user, org):
    response = client.get(
        f"/api/v1/orgs/{getattr(world, org).id}/buildings", headers=auth(getattr(world, user))
    )

    assert_problem(response, 404)


@pytest.mark.parametrize(
    ("user", "org"), [("dispatcher_a", "community_a"), ("officer_street", "street")]
)
def test_buildings_of_something_other_than_a_grid_are_refused(client, auth, world, user, org):
    response = client.get(
        f"/api/v1/orgs/{getattr(world, org).id}/buildings", headers=auth(getattr(world, user))
    )

    assert_problem(response, 422, "org_id")


def test_buildings_of_an_unknown_org_are_not_found(client, auth, world):
    assert_problem(client.get("/api/v1/orgs/999999/buildings", headers=auth(world.admin)), 404)


def test_buildings_need_a_token(client, world):
    assert_problem(client.get(f"/api/v1/orgs/{world.grid_a1.id}/buildings"), 401)
