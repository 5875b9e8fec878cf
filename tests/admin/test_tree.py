"""The org tree in the console: create, rename, move (paths and case scoping follow, in one
transaction), deactivate; buildings and households under a grid. Runs on SQLite and, with
LINLI_TEST_DATABASE_URL, on PostgreSQL."""

import uuid

from sqlalchemy import select

from linli.assessment.store import refresh_facts
from linli.audit.models import AuditRecord
from linli.cases.models import Case
from linli.extensions import db
from linli.orgs.models import Org
from tests.support import API, CASES, assert_problem


def _ids(client, headers):
    return {c["id"] for c in client.get(CASES, headers=headers).get_json()["items"]}


def test_a_moved_grid_takes_its_cases_to_the_new_community(client, auth, world, streets, new_case):
    case = new_case()  # in grid A1, community A, the first street
    refresh_facts([uuid.UUID(case["id"])])
    db.session.commit()
    assert db.session.get(Case, uuid.UUID(case["id"])).facts_version == case["version"]
    old_dispatcher, new_dispatcher = auth(world.dispatcher_a), auth(streets.dispatcher_c2)
    assert case["id"] in _ids(client, old_dispatcher)
    assert case["id"] not in _ids(client, new_dispatcher)

    moved = client.patch(
        f"{API}/orgs/{world.grid_a1.id}",
        headers=auth(world.admin),
        json={"parent_id": streets.community_c2.id},
    )

    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["parent_id"] == streets.community_c2.id
    db.session.expire_all()
    stored = db.session.get(Case, uuid.UUID(case["id"]))
    assert world.grid_a1.path == f"{streets.community_c2.path}{world.grid_a1.id}/"
    assert stored.org_id == world.grid_a1.id
    assert case["id"] in _ids(client, new_dispatcher)
    assert case["id"] not in _ids(client, old_dispatcher)
    # Its assessment facts name the old community and street: out of date now.
    assert stored.facts_version is None


def test_a_moved_community_takes_its_grids_along(client, auth, world, streets, new_case):
    case = new_case(org_id=world.grid_a2.id)
    assert case["id"] in _ids(client, auth(streets.admin1))

    moved = client.patch(
        f"{API}/orgs/{world.community_a.id}",
        headers=auth(world.admin),
        json={"parent_id": streets.street2.id},
    )

    assert moved.status_code == 200, moved.get_json()
    db.session.expire_all()
    paths = dict(db.session.execute(select(Org.code, Org.path)).all())
    prefix = f"{streets.street2.path}{world.community_a.id}/"
    assert paths["t-ca"] == prefix
    assert paths["t-ca-1"] == f"{prefix}{world.grid_a1.id}/"
    assert paths["t-ca-2"] == f"{prefix}{world.grid_a2.id}/"
    assert paths["t-cb"] == f"{world.street.path}{world.community_b.id}/"  # untouched
    assert case["id"] in _ids(client, auth(streets.admin2))
    assert case["id"] not in _ids(client, auth(streets.admin1))
    record = db.session.scalars(select(AuditRecord).where(AuditRecord.object_type == "org")).one()
    assert record.changes == {"parent_id": [world.street.id, streets.street2.id]}


def test_a_move_stays_on_the_ladder_and_in_the_admins_subtree(client, auth, world, streets):
    city, street1 = auth(world.admin), auth(streets.admin1)
    grid = f"{API}/orgs/{world.grid_a1.id}"

    assert_problem(
        client.patch(grid, headers=city, json={"parent_id": world.street.id}), 422, "parent_id"
    )
    assert_problem(
        client.patch(grid, headers=street1, json={"parent_id": streets.community_c2.id}),
        422,
        "parent_id",
    )
    assert_problem(
        client.patch(
            f"{API}/orgs/{world.street.id}",
            headers=street1,
            json={"parent_id": world.district.id},
        ),
        422,
        "parent_id",
    )
    assert_problem(
        client.patch(f"{API}/orgs/{streets.grid_c2.id}", headers=street1, json={"name": "x"}),
        404,
    )
    db.session.expire_all()
    assert world.grid_a1.parent_id == world.community_a.id


def test_an_admin_creates_and_renames_nodes_in_its_subtree(client, auth, world, streets):
    street1 = auth(streets.admin1)
    body = {"parent_id": world.community_a.id, "code": "t-ga3", "name": "甲3网格"}

    created = client.post(f"{API}/orgs", headers=street1, json=body)

    assert created.status_code == 201, created.get_json()
    grid = created.get_json()
    assert grid["kind"] == "grid" and grid["active"] is True
    assert db.session.get(Org, grid["id"]).path == f"{world.community_a.path}{grid['id']}/"
    assert_problem(client.post(f"{API}/orgs", headers=street1, json=body), 409, "code")
    assert_problem(
        client.post(
            f"{API}/orgs", headers=street1, json={**body, "parent_id": streets.community_c2.id}
        ),
        422,
        "parent_id",
    )
    assert_problem(
        client.post(f"{API}/orgs", headers=street1, json={**body, "parent_id": grid["id"]}),
        422,
        "parent_id",
    )
    renamed = client.patch(
        f"{API}/orgs/{grid['id']}", headers=street1, json={"name": "甲三网格", "name_en": "A3"}
    )
    assert renamed.get_json()["name"] == "甲三网格"
    kinds = [
        r.changes
        for r in db.session.scalars(
            select(AuditRecord).where(AuditRecord.object_id == str(grid["id"]))
        )
    ]
    assert kinds[1] == {"name": ["甲3网格", "甲三网格"], "name_en": ["", "A3"]}


def test_no_new_case_goes_to_a_deactivated_node(client, auth, world, post_report):
    admin = auth(world.admin)
    off = client.patch(f"{API}/orgs/{world.community_a.id}", headers=admin, json={"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False

    # The grid below it is out of service too.
    assert_problem(post_report(org_id=world.grid_a1.id), 422, "org_id")
    public = {o["id"] for o in client.get(f"{API}/orgs").get_json()}
    assert world.community_a.id not in public
    every = {o["id"] for o in client.get(f"{API}/orgs?include_inactive=true").get_json()}
    assert world.community_a.id in every
    assert post_report(org_id=world.grid_b1.id, reporter=world.resident_b).status_code == 201
    client.patch(f"{API}/orgs/{world.community_a.id}", headers=admin, json={"active": True})
    assert post_report(org_id=world.grid_a1.id).status_code == 201


def test_buildings_and_households_under_a_grid(client, auth, world, streets):
    street1 = auth(streets.admin1)

    created = client.post(
        f"{API}/orgs/{world.grid_a1.id}/buildings",
        headers=street1,
        json={"name": "5号楼", "households": ["5-101", "5-102"]},
    )
    assert created.status_code == 201, created.get_json()
    building = created.get_json()
    assert [h["label"] for h in building["households"]] == ["5-101", "5-102"]
    renamed = client.patch(
        f"{API}/buildings/{building['id']}", headers=street1, json={"name": "五号楼"}
    )
    assert renamed.get_json()["name"] == "五号楼"
    added = client.post(
        f"{API}/buildings/{building['id']}/households", headers=street1, json={"label": "5-201"}
    )
    assert added.status_code == 201
    relabelled = client.patch(
        f"{API}/households/{added.get_json()['id']}", headers=street1, json={"label": "5-202"}
    )
    assert relabelled.get_json()["label"] == "5-202"
    listed = client.get(f"{API}/orgs/{world.grid_a1.id}/buildings", headers=street1).get_json()
    assert {"五号楼"} <= {b["name"] for b in listed}

    # Not in another street, not under a community.
    other = streets.building_c2
    assert_problem(
        client.patch(f"{API}/buildings/{other.id}", headers=street1, json={"name": "x"}), 404
    )
    assert_problem(
        client.post(
            f"{API}/orgs/{world.community_a.id}/buildings", headers=street1, json={"name": "x"}
        ),
        422,
        "org_id",
    )
    logged = [
        (r.object_type, r.org_id)
        for r in db.session.scalars(select(AuditRecord).order_by(AuditRecord.id))
    ]
    assert logged == [("building", world.grid_a1.id)] + [("household", world.grid_a1.id)] * 2 + [
        ("building", world.grid_a1.id),
        ("household", world.grid_a1.id),
        ("household", world.grid_a1.id),
    ]
