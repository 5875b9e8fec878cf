"""SLA clocks: when a case must be accepted and resolved, and what starts and stops them.

Time is injected: service functions take `now`, and API calls run under time_machine.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from linli.cases import service as case_service
from linli.escalation.models import SlaPolicy
from linli.extensions import db
from tests.support import API, CASES, assert_problem, at, case_row, events_of, snapshot

SLA = f"{API}/sla-policies"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Shanghai
REPORT = {
    "category": "elderly_care",
    "title": "助浴",
    "description": "独居老人",
    "priority": "normal",
}


@pytest.fixture
def report(world):
    """report(now=T0, **fields) → a case reported by resident_a at `now` (the service, not HTTP)."""

    def run(now=T0, **fields):
        case, _ = case_service.report_case(
            world.resident_a, {**REPORT, "org_id": world.grid_a1.id, **fields}, now=now
        )
        return case

    return run


@pytest.fixture
def put_policy(client, auth, world):
    def put(category, priority, accept, resolve, as_=None):
        return client.put(
            SLA,
            json={
                "category": category,
                "priority": priority,
                "accept_within_minutes": accept,
                "resolve_within_minutes": resolve,
            },
            headers=auth(as_ or world.admin),
        )

    return put


@pytest.mark.parametrize(
    "priority, accept, resolve",
    [
        ("normal", timedelta(hours=24), timedelta(days=7)),
        ("urgent", timedelta(hours=2), timedelta(hours=24)),
    ],
)
def test_the_built_in_clocks_start_at_the_report(new_case, priority, accept, resolve):
    case = new_case(priority=priority)

    created = at(case["created_at"])
    assert at(case["accept_due_at"]) - created == accept
    assert at(case["resolve_due_at"]) - created == resolve
    assert (case["accepted_at"], case["overdue"]) == (None, False)


def test_a_category_policy_overrides_the_default_row(put_policy, report):
    assert put_policy(None, "normal", 60, 600).status_code == 200
    assert put_policy("elderly_care", "normal", 30, 300).status_code == 200

    elderly = report()
    childcare = report(category="childcare")
    urgent = report(priority="urgent")

    assert (elderly.accept_due_at - T0, elderly.resolve_due_at - T0) == (
        timedelta(minutes=30),
        timedelta(minutes=300),
    )
    assert (childcare.accept_due_at - T0, childcare.resolve_due_at - T0) == (
        timedelta(minutes=60),
        timedelta(minutes=600),
    )
    # no urgent row at all: the built-in urgent durations
    assert (urgent.accept_due_at - T0, urgent.resolve_due_at - T0) == (
        timedelta(hours=2),
        timedelta(hours=24),
    )


def test_a_policy_change_applies_to_clocks_started_later(put_policy, report):
    before = report()
    put_policy("elderly_care", "normal", 30, 300)
    db.session.refresh(before)
    assert before.accept_due_at - T0 == timedelta(hours=24)


def test_putting_a_policy_twice_changes_the_one_row(client, auth, world, put_policy):
    first = put_policy("elderly_care", "urgent", 10, 100).get_json()
    second = put_policy("elderly_care", "urgent", 20, 200).get_json()

    assert first["id"] == second["id"]
    assert {
        k: second[k]
        for k in ("category", "priority", "accept_within_minutes", "resolve_within_minutes")
    } == {
        "category": "elderly_care",
        "priority": "urgent",
        "accept_within_minutes": 20,
        "resolve_within_minutes": 200,
    }
    listed = client.get(SLA, headers=auth(world.dispatcher_a)).get_json()
    assert [(p["category"], p["accept_within_minutes"]) for p in listed] == [("elderly_care", 20)]
    assert len(db.session.scalars(select(SlaPolicy)).all()) == 1


def test_the_default_row_is_put_without_a_category(put_policy, client, auth, world):
    assert put_policy(None, "normal", 60, 600).get_json()["category"] is None
    omitted = client.put(
        SLA,
        json={"priority": "normal", "accept_within_minutes": 61, "resolve_within_minutes": 601},
        headers=auth(world.admin),
    )
    assert omitted.get_json()["category"] is None
    assert len(db.session.scalars(select(SlaPolicy)).all()) == 1


def test_accepting_may_take_as_long_as_resolving_but_not_longer(put_policy):
    assert put_policy("health", "normal", 90, 90).status_code == 200
    before = snapshot()
    assert_problem(put_policy("health", "normal", 91, 90), 422, "accept_within_minutes")
    assert snapshot() == before


@pytest.mark.parametrize(
    "who", ["dispatcher_a", "officer_district", "reviewer_a", "resident_a", "provider_staff"]
)
def test_only_admins_set_policies(put_policy, world, who):
    response = put_policy("health", "normal", 10, 100, as_=getattr(world, who))
    assert_problem(response, 403)
    assert db.session.scalars(select(SlaPolicy)).all() == []


def test_every_signed_in_user_may_read_the_policies_but_not_anonymous(
    client, auth, world, put_policy
):
    put_policy(None, "urgent", 10, 100)
    assert len(client.get(SLA, headers=auth(world.resident_a)).get_json()) == 1
    assert_problem(client.get(SLA), 401)


def test_accepting_stamps_accepted_at_and_stops_the_accept_clock(new_case, drive, world, sweep):
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    moment = at(case["created_at"]) + timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        case = drive(case, world.provider_staff, "accept")
    assert at(case["accepted_at"]) == moment

    # past the accept deadline, before the resolve deadline: nothing is late
    result = sweep(at(case["accept_due_at"]) + timedelta(hours=1))
    assert (result.scanned, result.escalated) == (0, 0)


@pytest.mark.usefixtures("other_provider_serves_a")
def test_a_new_provider_has_to_accept_again(new_case, drive, world):
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(case, world.provider_staff, "accept")
    assert case["accepted_at"] is not None

    same = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    assert same["accepted_at"] == case["accepted_at"]
    other = drive(same, world.dispatcher_a, "assign", provider_id=world.other_provider.id)
    assert other["accepted_at"] is None
    # the resident's clock runs on: a reassignment does not restart it
    assert other["accept_due_at"] == case["accept_due_at"]


def test_a_second_accept_keeps_the_first_accept_time(new_case, drive, world):
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    first = drive(case, world.provider_staff, "accept")
    again = drive(
        drive(first, world.dispatcher_a, "assign", provider_id=world.provider.id),
        world.provider_staff,
        "accept",
    )
    assert again["accepted_at"] == first["accepted_at"]


@pytest.mark.parametrize("state", ["resolved", "closed", "rejected"])
def test_clocks_stop_mattering_once_the_case_is_finished(
    client, auth, new_case, drive, world, sweep, state
):
    case = new_case()
    if state == "rejected":
        case = drive(case, world.dispatcher_a, "reject", reason="重复上报")
    else:
        case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
        case = drive(case, world.provider_staff, "accept")
        case = drive(case, world.provider_staff, "resolve", note="好了")
        if state == "closed":
            case = drive(case, world.resident_a, "close")
    far = at(case["resolve_due_at"]) + timedelta(days=30)

    assert sweep(far).scanned == 0
    with time_machine.travel(far, tick=False):
        got = client.get(f"{CASES}/{case['id']}", headers=auth(world.admin)).get_json()
        overdue = client.get(f"{CASES}?overdue=true", headers=auth(world.admin)).get_json()
    assert got["overdue"] is False
    assert overdue["items"] == []


def test_reopening_restarts_both_clocks(new_case, drive, world):
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(case, world.provider_staff, "accept")
    case = drive(case, world.provider_staff, "resolve", note="好了")
    reopened_at = at(case["created_at"]) + timedelta(days=10)

    with time_machine.travel(reopened_at, tick=False):
        case = drive(case, world.dispatcher_a, "reopen", note="没修好")

    assert (case["state"], case["cycle"], case["accepted_at"]) == ("assigned", 2, None)
    assert at(case["accept_due_at"]) == reopened_at + timedelta(hours=24)
    assert at(case["resolve_due_at"]) == reopened_at + timedelta(days=7)
    assert case["escalation_level"] == "community"
    actions = [e.action for e in events_of(case)]
    assert actions[-2:] == ["reopen", "escalate"]
    assert events_of(case, "escalate")[0].data["reason"] == "reopened_by_supervisor"


def test_a_reopened_case_is_not_late_until_its_new_clock_runs_out(new_case, drive, world, sweep):
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(
        drive(case, world.provider_staff, "accept"), world.provider_staff, "resolve", note="好了"
    )
    reopened_at = at(case["resolve_due_at"]) + timedelta(days=1)  # long after the first clocks
    with time_machine.travel(reopened_at, tick=False):
        case = drive(case, world.dispatcher_a, "reopen")

    assert sweep(reopened_at + timedelta(hours=23)).escalated == 0
    assert sweep(reopened_at + timedelta(hours=25)).escalated == 1


def test_the_overdue_flag_and_filter_follow_the_clock(client, auth, new_case, world):
    late = new_case()
    on_time = new_case(category="health", title="签约", description="家庭医生")
    row = case_row(on_time)
    row.accept_due_at = at(late["created_at"]) + timedelta(days=2)  # a later clock
    db.session.commit()

    def ids(flag):
        response = client.get(f"{CASES}?overdue={flag}", headers=auth(world.dispatcher_a))
        assert response.status_code == 200, response.get_json()
        return [c["id"] for c in response.get_json()["items"]]

    with time_machine.travel(at(late["created_at"]) + timedelta(hours=25), tick=False):
        assert ids("true") == [late["id"]]
        assert ids("false") == [on_time["id"]]
        items = client.get(CASES, headers=auth(world.dispatcher_a)).get_json()["items"]
        assert {c["id"]: c["overdue"] for c in items} == {late["id"]: True, on_time["id"]: False}
