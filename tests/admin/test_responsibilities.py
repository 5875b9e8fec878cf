"""The responsibility list (责任清单): a street admin writes down its standing group for a
category once, and the routing advice offers it when a case of it is coordinated."""

from sqlalchemy import select

from linli.audit.models import AuditRecord
from linli.extensions import db
from tests.support import API, assert_problem


def test_the_deepest_line_above_a_case_is_offered_for_coordinating(
    client, auth, world, streets, new_case, make_provider
):
    partner = make_provider("区住建局", coverage=[world.district])
    city, street1 = auth(world.admin), auth(streets.admin1)
    city_wide = {
        "category": "elderly_care",
        "org_id": None,
        "lead_provider_id": world.provider.id,
        "co_provider_ids": [],
    }
    assert client.put(f"{API}/responsibilities", headers=city, json=city_wide).status_code == 200
    ours = {
        "category": "elderly_care",
        "org_id": world.street.id,
        "lead_provider_id": world.provider.id,
        "co_provider_ids": [world.other_provider.id, partner.id],
        "note": "街道养老领导小组",
    }
    written = client.put(f"{API}/responsibilities", headers=street1, json=ours)
    assert written.status_code == 200, written.get_json()

    case = new_case()
    advice = client.get(
        f"{API}/cases/{case['id']}/routing", headers=auth(world.dispatcher_a)
    ).get_json()
    assert advice["preset"] | {"id": 0} == {
        "id": 0,
        "category": "elderly_care",
        "org_id": world.street.id,
        "lead_provider_id": world.provider.id,
        "co_provider_ids": sorted([world.other_provider.id, partner.id]),
        "note": "街道养老领导小组",
    }
    other = new_case(category="health")
    assert (
        client.get(
            f"{API}/cases/{other['id']}/routing", headers=auth(world.dispatcher_a)
        ).get_json()["preset"]
        is None
    )
    # Written again: the line is replaced, not doubled.
    again = client.put(
        f"{API}/responsibilities", headers=street1, json={**ours, "co_provider_ids": []}
    )
    assert again.get_json()["id"] == written.get_json()["id"]
    listed = client.get(f"{API}/responsibilities", headers=street1).get_json()
    assert [(r["org_id"], r["co_provider_ids"]) for r in listed] == [(world.street.id, [])]
    assert len(client.get(f"{API}/responsibilities", headers=city).get_json()) == 2
    records = db.session.scalars(
        select(AuditRecord).where(AuditRecord.object_type == "responsibility")
    ).all()
    assert [r.org_id for r in records] == [None, world.street.id, world.street.id]


def test_a_street_admin_writes_lines_of_its_street_only(client, auth, world, streets):
    headers = auth(streets.admin1)
    line = {"category": "elderly_care", "lead_provider_id": world.provider.id}

    assert_problem(
        client.put(f"{API}/responsibilities", headers=headers, json={**line, "org_id": None}),
        422,
        "org_id",
    )
    assert_problem(
        client.put(
            f"{API}/responsibilities",
            headers=headers,
            json={**line, "org_id": streets.community_c2.id},
        ),
        422,
        "org_id",
    )
    assert_problem(
        client.put(
            f"{API}/responsibilities",
            headers=headers,
            json={**line, "org_id": world.street.id, "co_provider_ids": [999999]},
        ),
        422,
        "co_provider_ids",
    )
    assert_problem(client.get(f"{API}/responsibilities", headers=auth(world.dispatcher_a)), 403)
