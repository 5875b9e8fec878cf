"""A resident withdraws a report nobody has accepted yet (closed as withdrawn, owing nothing),
and adds information to an open case (a public event)."""

from datetime import timedelta

import pytest

from linli.assessment.facts import ACCEPTANCE, RESOLUTION, EventRow, case_facts
from linli.cases.models import EventKind
from tests.support import CASES, assert_problem, at, events_of

TRANSITION_REFUSED = "https://linli.example.org/problems/transition-not-allowed"


@pytest.mark.parametrize("assigned", [False, True])
def test_the_reporter_withdraws_a_report_no_unit_has_accepted(
    world, new_case, drive, fetch, assigned
):
    case = new_case()
    if assigned:
        case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    assert "withdraw" in fetch(case, as_=world.resident_a)["allowed_actions"]
    done = drive(case, world.resident_a, "withdraw", note="已自行解决")
    assert done["state"] == "closed" and done["withdrawn_at"] and done["closed_at"]
    assert done["appeal_due_at"] is None and done["allowed_actions"] == []
    (event,) = events_of(case, "withdraw")
    assert (event.public, event.note, event.to_state.value) == (True, "已自行解决", "closed")
    assert "reopen" not in fetch(case, as_=world.admin)["allowed_actions"]


def test_a_withdrawn_case_is_neither_appealed_nor_reopened(
    client, auth, world, new_case, drive, act
):
    case = drive(new_case(), world.resident_a, "withdraw")
    appeal = client.post(
        f"{CASES}/{case['id']}/appeal", json={"reason": "不对"}, headers=auth(world.resident_a)
    )
    assert appeal.status_code in (403, 422), appeal.get_json()
    reopen = act(world.admin, case, "reopen")
    assert assert_problem(reopen, 422)["type"] == TRANSITION_REFUSED


def test_an_accepted_case_cannot_be_withdrawn(world, new_case, drive, act):
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(case, world.provider_staff, "accept")
    body = assert_problem(act(world.resident_a, case, "withdraw"), 422)
    assert body["type"] == TRANSITION_REFUSED and "withdraw" not in body["allowed_actions"]
    # Returned and sent back to it, the unit has still accepted it once.
    case = drive(case, world.provider_staff, "return", reason="不归我们")
    case = drive(case, world.dispatcher_a, "refuse_return", reason="归你们")
    assert case["state"] == "assigned"
    assert (
        assert_problem(act(world.resident_a, case, "withdraw"), 422)["type"] == TRANSITION_REFUSED
    )


@pytest.mark.parametrize("who", ["resident_a2", "grid_worker_a1", "dispatcher_a", "admin"])
def test_only_the_reporter_withdraws(world, new_case, act, client, auth, who):
    case = new_case()
    if who == "resident_a2":  # a neighbour who +1'd sees it, but it is not theirs
        client.post(f"{CASES}/{case['id']}/support", headers=auth(world.resident_a2))
    assert_problem(act(getattr(world, who), case, "withdraw"), 403)


def test_a_withdrawn_cycle_owes_no_acceptance_or_resolution():
    start = at("2026-01-01T00:00:00Z")
    clock = {
        "accept_due_at": (start + timedelta(days=1)).isoformat(),
        "resolve_due_at": (start + timedelta(days=7)).isoformat(),
    }
    events = [
        EventRow(start, EventKind.SUBMIT, {"clock": clock}),
        EventRow(start + timedelta(hours=1), EventKind.ASSIGN, {"provider_id": 7}),
        EventRow(start + timedelta(hours=5), EventKind.WITHDRAW, {}),
    ]
    facts = case_facts(events, [], sla=(timedelta(days=1), timedelta(days=7)))
    assert [f for f in facts.facts if f.kind in (ACCEPTANCE, RESOLUTION)] == []
    assert facts.open_spans == [(start, start + timedelta(hours=5))]
    assert facts.holdings == [(7, start + timedelta(hours=1), start + timedelta(hours=5))]


# --- adding information ---------------------------------------------------------------------


def test_the_reporter_adds_information_everyone_handling_it_reads(client, auth, world, new_case):
    case = new_case()
    response = client.post(
        f"{CASES}/{case['id']}/info",
        json={"note": "  晚上十点以后更严重  "},
        headers=auth(world.resident_a, **{"Idempotency-Key": "info-1"}),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["action"] == "add_info"
    for reader in (world.resident_a, world.dispatcher_a):
        timeline = client.get(f"{CASES}/{case['id']}/events", headers=auth(reader)).get_json()
        added = [e for e in timeline["items"] if e["action"] == "add_info"]
        assert [e["note"] for e in added] == ["晚上十点以后更严重"]
    replay = client.post(
        f"{CASES}/{case['id']}/info",
        json={"note": "  晚上十点以后更严重  "},
        headers=auth(world.resident_a, **{"Idempotency-Key": "info-1"}),
    )
    assert replay.get_json() == response.get_json()
    assert len(events_of(case, "add_info")) == 1


@pytest.mark.parametrize("body", [{}, {"note": "   "}, {"note": "x" * 2001}, {"note": 5}])
def test_information_without_words_is_a_422_naming_note(client, auth, world, new_case, body):
    case = new_case()
    response = client.post(f"{CASES}/{case['id']}/info", json=body, headers=auth(world.resident_a))
    assert_problem(response, 422, "note")


def test_information_is_added_to_open_cases_only(client, auth, world, new_case, drive):
    case = drive(new_case(), world.resident_a, "withdraw")
    response = client.post(
        f"{CASES}/{case['id']}/info", json={"note": "还有"}, headers=auth(world.resident_a)
    )
    assert assert_problem(response, 422)["type"] == TRANSITION_REFUSED


@pytest.mark.parametrize(("who", "status"), [("resident_b", 404), ("dispatcher_a", 403)])
def test_only_the_reporter_adds_information(client, auth, world, new_case, who, status):
    case = new_case()
    response = client.post(
        f"{CASES}/{case['id']}/info", json={"note": "还有"}, headers=auth(getattr(world, who))
    )
    assert_problem(response, status)


def test_the_case_names_its_unit_and_how_to_reach_it(world, new_case, drive, fetch):
    case = new_case()
    assert fetch(case, as_=world.resident_a)["provider_contact"] is None
    world.provider.contact = "010-12345678"
    case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    seen = fetch(case, as_=world.resident_a)
    assert (seen["provider_name"], seen["provider_contact"]) == (
        world.provider.name,
        "010-12345678",
    )
    assert seen["resolve_due_at"] and seen["accept_due_at"]
