"""The console's buildings and households and its responsibility list (issue 11): an unused
building or household is removed (with a record of what it was), one a case or a visit
names stays; a line of the responsibility list is removed by the admin of its area. Runs on
SQLite and, with LINLI_TEST_DATABASE_URL, on PostgreSQL."""

from sqlalchemy import select

from linli.audit.models import AuditAction, AuditRecord
from linli.extensions import db
from linli.orgs.models import Building, Household
from linli.routing.models import Responsibility
from tests.support import API, assert_problem


def _building(client, headers, grid, name="7号楼", households=("7-101", "7-102")):
    created = client.post(
        f"{API}/orgs/{grid.id}/buildings",
        headers=headers,
        json={"name": name, "households": list(households)},
    )
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def _removals():
    return [
        (r.object_type, r.changes)
        for r in db.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.action == AuditAction.DELETE)
            .order_by(AuditRecord.id)
        )
    ]


def test_an_unused_building_goes_with_its_households_and_the_log_keeps_them(
    client, auth, world, streets
):
    street1 = auth(streets.admin1)
    building = _building(client, street1, world.grid_a1)
    first, second = building["households"]

    assert client.delete(f"{API}/households/{first['id']}", headers=street1).status_code == 204
    assert client.delete(f"{API}/buildings/{building['id']}", headers=street1).status_code == 204

    assert db.session.get(Building, building["id"]) is None
    assert db.session.get(Household, second["id"]) is None
    assert _removals() == [
        ("household", {"building_id": [building["id"], None], "label": ["7-101", None]}),
        ("household", {"building_id": [building["id"], None], "label": ["7-102", None]}),
        ("building", {"grid_id": [world.grid_a1.id, None], "name": ["7号楼", None]}),
    ]
    records = client.get(f"{API}/audit?object_type=building", headers=street1).get_json()
    assert records["items"][0]["action"] == "delete"


def test_a_household_a_case_or_a_visit_names_stays(client, auth, world, streets, new_case):
    street1 = auth(streets.admin1)
    building = _building(client, street1, world.grid_a1)
    reported, visited = building["households"]
    new_case(world.grid_worker_a1, household_id=reported["id"], on_behalf_of=None)
    visit = client.post(
        f"{API}/visits",
        headers=auth(world.grid_worker_a1),
        json={"household_id": visited["id"], "visited_at": "2026-12-01T02:00:00Z"},
    )
    assert visit.status_code in (200, 201), visit.get_json()

    for path in (
        f"households/{reported['id']}",
        f"households/{visited['id']}",
        f"buildings/{building['id']}",
    ):
        refused = assert_problem(client.delete(f"{API}/{path}", headers=street1), 409)
        assert refused["type"].endswith("/in-use")
    assert db.session.get(Building, building["id"]) is not None
    assert _removals() == []


def test_homes_of_another_street_are_not_found(client, auth, world, streets):
    street1 = auth(streets.admin1)
    other = streets.building_c2
    assert_problem(client.delete(f"{API}/buildings/{other.id}", headers=street1), 404)
    assert_problem(
        client.delete(f"{API}/households/{other.households[0].id}", headers=street1), 404
    )
    assert_problem(client.delete(f"{API}/buildings/999999", headers=street1), 404)
    assert_problem(
        client.delete(f"{API}/buildings/{other.id}", headers=auth(world.grid_worker_a1)), 403
    )
    assert db.session.get(Building, other.id) is not None


def _line(client, headers, org_id, provider_id):
    written = client.put(
        f"{API}/responsibilities",
        headers=headers,
        json={"category": "elderly_care", "org_id": org_id, "lead_provider_id": provider_id},
    )
    assert written.status_code == 200, written.get_json()
    return written.get_json()


def test_an_admin_removes_a_line_of_its_area_only(client, auth, world, streets):
    city, street1, street2 = auth(world.admin), auth(streets.admin1), auth(streets.admin2)
    ours = _line(client, street1, world.street.id, world.provider.id)
    city_wide = _line(client, city, None, world.provider.id)

    assert_problem(client.delete(f"{API}/responsibilities/{ours['id']}", headers=street2), 404)
    assert_problem(client.delete(f"{API}/responsibilities/{city_wide['id']}", headers=street1), 404)
    assert_problem(client.delete(f"{API}/responsibilities/999999", headers=street1), 404)
    assert_problem(
        client.delete(f"{API}/responsibilities/{ours['id']}", headers=auth(world.dispatcher_a)),
        403,
    )

    assert client.delete(f"{API}/responsibilities/{ours['id']}", headers=street1).status_code == 204
    assert db.session.get(Responsibility, ours["id"]) is None
    assert client.get(f"{API}/responsibilities", headers=street1).get_json() == []
    assert _removals() == [
        (
            "responsibility",
            {
                "category": ["elderly_care", None],
                "org_id": [world.street.id, None],
                "lead_provider_id": [world.provider.id, None],
                "co_provider_ids": [[], None],
                "note": ["", None],
            },
        )
    ]
    assert (
        client.delete(f"{API}/responsibilities/{city_wide['id']}", headers=city).status_code == 204
    )
