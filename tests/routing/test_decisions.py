"""Decisions taken after the first issue-3 review: clocks under joint handling, finished
cases, provider names, and the routing reason on the timeline API."""

import pytest

from linli.extensions import db
from linli.routing.models import CoTask
from tests.support import API, assert_problem, case_row, later, settle


def _co_providers(world):
    return [{"provider_id": world.other_provider.id, "due_at": later(), "note": "协助"}]


@pytest.mark.usefixtures("other_provider_serves_a")
def test_coordinating_an_accepted_case_keeps_its_accept_clock_stopped(
    new_case, drive, world, make_provider
):
    peer = make_provider("第二服务中心", coverage=[world.street])
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(case, world.provider_staff, "accept")
    accepted_at = case["accepted_at"]

    joint = drive(
        case,
        world.dispatcher_a,
        "coordinate",
        lead_provider_id=peer.id,
        co_providers=_co_providers(world),
    )

    assert (joint["state"], joint["provider_id"]) == ("in_progress", peer.id)
    assert joint["accepted_at"] == accepted_at
    assert case_row(joint).accepted_at is not None


def test_reassigning_to_a_new_unit_restarts_acceptance(new_case, drive, world, make_provider):
    peer = make_provider("第二服务中心", coverage=[world.street])
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(case, world.provider_staff, "accept")

    moved = drive(case, world.dispatcher_a, "assign", provider_id=peer.id)

    assert (moved["state"], moved["accepted_at"]) == ("assigned", None)


@pytest.mark.usefixtures("other_provider_serves_a")
def test_a_co_task_cannot_be_worked_once_its_case_is_rejected(client, auth, new_case, drive, world):
    # The lead returns a joint case, the dispatcher accepts that and rejects the need: the
    # co-unit's open task has nothing left to serve.
    case = drive(
        new_case(),
        world.dispatcher_a,
        "coordinate",
        lead_provider_id=world.provider.id,
        co_providers=_co_providers(world),
    )
    case = drive(case, world.provider_staff, "return", reason="不属于本单位")
    case = drive(case, world.dispatcher_a, "accept_return")
    drive(case, world.dispatcher_a, "reject", reason="已由12345处理")
    task = db.session.query(CoTask).filter_by(provider_id=world.other_provider.id).one()

    refused = client.post(
        f"{API}/tasks/{task.id}/actions/complete", json={}, headers=auth(world.other_provider_staff)
    )

    body = assert_problem(refused, 422)
    assert body["state"] == "rejected"
    settle()
    assert db.session.get(CoTask, task.id).state.value == "open"


def test_a_provider_name_is_unique_through_the_api(client, auth, world):
    body = {
        "name": world.provider.name,
        "type": "enterprise",
        "categories": ["health"],
        "coverage": [world.street.id],
    }

    created = client.post(f"{API}/providers", json=body, headers=auth(world.admin))
    renamed = client.patch(
        f"{API}/providers/{world.other_provider.id}",
        json={"name": world.provider.name},
        headers=auth(world.admin),
    )

    assert_problem(created, 409, "name")
    assert_problem(renamed, 409, "name")


def test_the_timeline_api_shows_why_a_case_was_routed(client, auth, new_case, world, auto_routing):
    case = new_case()

    events = client.get(f"{API}/cases/{case['id']}/events", headers=auth(world.dispatcher_a))

    assign = next(e for e in events.get_json()["items"] if e["action"] == "assign")
    assert assign["actor"] is None
    assert assign["data"]["rule"] == "most_specific_coverage"
    assert [c["provider_id"] for c in assign["data"]["candidates"]] == [world.provider.id]
