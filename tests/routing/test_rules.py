"""Automatic routing: which provider a new case goes to, and the recorded reason why.

Grid A1 lies under community A, under the street; `world.provider` covers the street for
every category. Each test adds the providers its coverage shape needs.
"""

import pytest
from sqlalchemy import update

from linli.accounts.models import Role
from linli.notifications.models import NotificationKind
from linli.routing.models import Provider
from tests.factories import make_user
from tests.support import CASES, assert_problem, case_row, events_of, inbox_of


def route_event(case):
    """The routing decision recorded for a case: the system's `assign` or a `route` event."""
    [event] = [e for e in events_of(case, "assign", "route") if e.actor_id is None]
    return event


def candidate_ids(event):
    return sorted(c["provider_id"] for c in event.data["candidates"])


def give_load(new_case, drive, world, provider, n):
    """n open cases assigned to `provider` (made before auto-routing is switched on)."""
    for _ in range(n):
        drive(new_case(category="facility"), world.dispatcher_a, "assign", provider_id=provider.id)


@pytest.mark.parametrize(
    "shape, expected",
    [
        ("street only", "street"),
        ("street and community", "community"),
        ("street, community and grid", "grid"),
        ("street and the other grid", "street"),
        ("street and district", "street"),
    ],
)
def test_the_most_specific_coverage_wins(
    app, monkeypatch, world, make_provider, new_case, shape, expected
):
    providers = {"street": world.provider}
    if "community" in shape:
        providers["community"] = make_provider("甲社区服务站", coverage=[world.community_a])
    if "and grid" in shape:
        providers["grid"] = make_provider("甲1网格志愿队", coverage=[world.grid_a1])
    if "other grid" in shape:
        make_provider("甲2网格志愿队", coverage=[world.grid_a2])
    if "district" in shape:
        make_provider("区养老中心", coverage=[world.district])
    monkeypatch.setitem(app.config, "AUTO_ROUTING", True)

    case = new_case()

    assert (case["state"], case["provider_id"]) == ("assigned", providers[expected].id)
    event = route_event(case)
    assert event.action == "assign"
    assert event.data["rule"] == "most_specific_coverage"


def test_the_system_assignment_records_the_rule_and_every_candidate(
    auto_routing, world, make_provider, new_case
):
    community = make_provider("甲社区服务站", coverage=[world.community_a], capacity=10)

    case = new_case()

    event = route_event(case)
    assert (event.action, event.actor_id, event.to_state.value) == ("assign", None, "assigned")
    assert event.data["rule"] == "most_specific_coverage"
    by_id = {c["provider_id"]: c for c in event.data["candidates"]}
    assert set(by_id) == {world.provider.id, community.id}
    assert by_id[community.id] == {
        "provider_id": community.id,
        "name": "甲社区服务站",
        "coverage_depth": 3,
        "open_cases": 0,
        "capacity": 10,
        "load": 0.0,
    }
    assert by_id[world.provider.id]["coverage_depth"] == 2


def test_a_tie_on_coverage_goes_to_the_lowest_open_load(
    app, monkeypatch, world, make_provider, new_case, drive
):
    second = make_provider("第二服务中心", coverage=[world.street])
    give_load(new_case, drive, world, world.provider, 1)
    monkeypatch.setitem(app.config, "AUTO_ROUTING", True)

    case = new_case()

    assert case["provider_id"] == second.id
    event = route_event(case)
    assert event.data["rule"] == "lowest_load"
    assert {c["provider_id"]: c["open_cases"] for c in event.data["candidates"]} == {
        world.provider.id: 1,
        second.id: 0,
    }


def test_load_is_counted_relative_to_capacity(
    app, monkeypatch, world, make_provider, new_case, drive
):
    small = make_provider("小服务队", coverage=[world.street], capacity=2)
    give_load(new_case, drive, world, world.provider, 2)  # 2 of 50
    give_load(new_case, drive, world, small, 1)  # 1 of 2
    monkeypatch.setitem(app.config, "AUTO_ROUTING", True)

    case = new_case()

    assert case["provider_id"] == world.provider.id
    assert route_event(case).data["rule"] == "lowest_load"


def test_resolved_and_closed_cases_do_not_count_as_load(
    app, monkeypatch, world, make_provider, new_case, drive
):
    second = make_provider("第二服务中心", coverage=[world.street])
    staff = make_user("staff_second", Role.PROVIDER_STAFF, world.street, provider=second)
    for finish in ("resolve", "close"):
        done = drive(new_case(), world.dispatcher_a, "assign", provider_id=second.id)
        done = drive(done, staff, "accept")
        done = drive(done, staff, "resolve", note="已处理")
        if finish == "close":
            drive(done, world.dispatcher_a, "close")
    give_load(new_case, drive, world, world.provider, 1)
    monkeypatch.setitem(app.config, "AUTO_ROUTING", True)

    case = new_case()

    assert case["provider_id"] == second.id
    assert {c["provider_id"]: c["open_cases"] for c in route_event(case).data["candidates"]} == {
        world.provider.id: 1,
        second.id: 0,
    }


def test_a_full_tie_waits_in_triage_and_says_so(auto_routing, world, make_provider, new_case):
    twin = make_provider("同级服务中心", coverage=[world.street])

    case = new_case()

    assert (case["state"], case["provider_id"]) == ("submitted", None)
    assert case["unmet_need"] is False
    event = route_event(case)
    assert event.action == "route"
    assert event.data["rule"] == "tie_needs_triage"
    assert event.data["suggested_provider_id"] is None
    assert candidate_ids(event) == sorted([world.provider.id, twin.id])


def test_an_inactive_provider_is_not_a_candidate(auto_routing, world, make_provider, new_case):
    make_provider("停用的网格队", coverage=[world.grid_a1], active=False)

    case = new_case()

    assert case["provider_id"] == world.provider.id
    assert candidate_ids(route_event(case)) == [world.provider.id]


def test_a_provider_of_another_category_is_not_a_candidate(
    auto_routing, world, make_provider, new_case
):
    make_provider("甲社区托育点", coverage=[world.community_a], categories=["childcare"])

    elderly = new_case(category="elderly_care")
    childcare = new_case(category="childcare", title="托育名额", description="双职工家庭")

    assert elderly["provider_id"] == world.provider.id
    assert candidate_ids(route_event(elderly)) == [world.provider.id]
    assert childcare["provider_id"] != world.provider.id


def test_without_auto_routing_the_best_provider_is_only_suggested(world, new_case):
    case = new_case()

    assert (case["state"], case["provider_id"]) == ("submitted", None)
    event = route_event(case)
    assert (event.action, event.public) == ("route", False)
    assert event.data["rule"] == "most_specific_coverage"
    assert event.data["suggested_provider_id"] == world.provider.id


def test_the_systems_assignment_tells_the_providers_staff(auto_routing, world, new_case):
    case = new_case()

    [note] = inbox_of(world.provider_staff, NotificationKind.ASSIGNED, case)
    assert note.data["reference"] == case["reference"]
    assert inbox_of(world.other_provider_staff, NotificationKind.ASSIGNED) == []


# --- unmet needs -----------------------------------------------------------------------------


@pytest.fixture
def no_street_provider(world):
    from linli.extensions import db

    db.session.execute(
        update(Provider).where(Provider.id == world.provider.id).values(active=False)
    )
    db.session.commit()


@pytest.mark.parametrize("routing", [True, False], ids=["auto", "manual"])
def test_a_need_no_provider_covers_is_an_unmet_need_left_in_triage(
    app, monkeypatch, no_street_provider, new_case, routing
):
    monkeypatch.setitem(app.config, "AUTO_ROUTING", routing)

    case = new_case()

    assert (case["state"], case["provider_id"], case["unmet_need"]) == ("submitted", None, True)
    event = route_event(case)
    assert event.data == {"rule": "no_provider", "candidates": [], "suggested_provider_id": None}
    assert case_row(case).unmet_need is True


def test_a_covered_need_is_not_an_unmet_need(auto_routing, new_case):
    assert new_case()["unmet_need"] is False


def test_the_case_list_filters_unmet_needs(client, auth, world, new_case, no_street_provider):
    unmet = new_case()
    # community B is still served by its own volunteer group
    met = new_case(reporter=world.resident_b, org_id=world.grid_b1.id)
    assert met["unmet_need"] is False

    def listed(value):
        response = client.get(f"{CASES}?unmet_need={value}", headers=auth(world.admin))
        assert response.status_code == 200, response.get_json()
        return [c["id"] for c in response.get_json()["items"]]

    assert listed("true") == [unmet["id"]]
    assert listed("false") == [met["id"]]


# --- GET /cases/{id}/routing -------------------------------------------------------------------


def test_routing_advice_names_the_rule_the_pick_and_the_candidates(
    client, auth, world, make_provider, new_case
):
    community = make_provider("甲社区服务站", coverage=[world.community_a])
    case = new_case()

    response = client.get(f"{CASES}/{case['id']}/routing", headers=auth(world.dispatcher_a))

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["rule"], body["provider_id"]) == ("most_specific_coverage", community.id)
    assert sorted(c["provider_id"] for c in body["candidates"]) == sorted(
        [world.provider.id, community.id]
    )


def test_routing_advice_for_an_unmet_need_has_no_provider(
    client, auth, world, no_street_provider, new_case
):
    case = new_case()
    response = client.get(f"{CASES}/{case['id']}/routing", headers=auth(world.admin))
    assert response.get_json() == {
        "rule": "no_provider",
        "provider_id": None,
        "candidates": [],
        "preset": None,
    }


@pytest.mark.parametrize("who", ["grid_worker_a1", "dispatcher_a", "admin"])
def test_routers_in_scope_may_read_the_routing_advice(client, auth, world, new_case, who):
    case = new_case()
    response = client.get(f"{CASES}/{case['id']}/routing", headers=auth(getattr(world, who)))
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("who", ["resident_a", "provider_staff", "reviewer_a"])
def test_other_roles_may_not_read_the_routing_advice(client, auth, world, new_case, who):
    case = new_case()
    response = client.get(f"{CASES}/{case['id']}/routing", headers=auth(getattr(world, who)))
    assert_problem(response, 403)


@pytest.mark.parametrize("who", ["dispatcher_b", "grid_worker_b1", "officer_street"])
def test_routing_advice_for_a_case_out_of_scope_is_a_404(client, auth, world, new_case, who):
    # officer_street: a grid-level case has not climbed to the street yet
    case = new_case()
    response = client.get(f"{CASES}/{case['id']}/routing", headers=auth(getattr(world, who)))
    assert_problem(response, 404)


def test_routing_advice_needs_a_token(client, new_case):
    case = new_case()
    assert client.get(f"{CASES}/{case['id']}/routing").status_code == 401
