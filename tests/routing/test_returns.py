""" "Not ours": a provider returns a case, a dispatcher accepts (a bounce) or refuses the return."""

import pytest

from linli.escalation.models import Escalation
from linli.notifications.models import NotificationKind
from tests.support import assert_problem, case_row, count, events_of, inbox_of


@pytest.fixture
def returned_case(assigned_case, drive, world):
    """returned_case(provider=world.provider) → a case its provider has returned."""

    def build(provider=None, **fields):
        case = assigned_case(provider, **fields)
        staff = (
            world.provider_staff
            if provider in (None, world.provider)
            else world.other_provider_staff
        )
        return drive(case, staff, "return", reason="不归我们管")

    return build


@pytest.mark.parametrize("accepted", [False, True], ids=["assigned", "in_progress"])
def test_a_provider_returns_its_case_with_a_reason_and_still_holds_it(
    assigned_case, drive, world, accepted
):
    case = assigned_case()
    if accepted:
        case = drive(case, world.provider_staff, "accept")

    returned = drive(case, world.provider_staff, "return", reason="不归我们管")

    assert (returned["state"], returned["provider_id"]) == ("returned", world.provider.id)
    assert returned["version"] == case["version"] + 1
    [event] = events_of(case, "return")
    assert (event.note, event.public) == ("不归我们管", False)


def test_a_return_needs_a_reason(assigned_case, act, world):
    case = assigned_case()
    response = act(world.provider_staff, case, "return")
    assert_problem(response, 422, "reason")


def test_a_return_tells_the_communitys_dispatchers(returned_case, world):
    case = returned_case()

    [note] = inbox_of(world.dispatcher_a, NotificationKind.RETURNED, case)
    assert note.data["reason"] == "不归我们管"
    assert inbox_of(world.dispatcher_b, NotificationKind.RETURNED) == []


def test_accepting_a_return_sends_the_case_back_to_triage_as_a_bounce(returned_case, drive, world):
    case = returned_case()

    back = drive(case, world.dispatcher_a, "accept_return")

    assert (back["state"], back["provider_id"], back["accepted_at"]) == ("submitted", None, None)
    assert back["version"] == case["version"] + 1
    [event] = events_of(case, "accept_return")
    assert event.data["bounced_provider_id"] == world.provider.id
    assert event.public is False


def test_an_accepted_return_is_routed_again_without_the_provider_that_bounced_it(
    auto_routing, world, make_provider, new_case, drive
):
    community = make_provider("甲社区服务站", coverage=[world.community_a])
    staff = _staff_of(world, community)
    case = new_case()
    assert case["provider_id"] == community.id  # the most specific coverage
    case = drive(case, staff, "return", reason="不归我们管")

    case = drive(case, world.dispatcher_a, "accept_return")

    assert (case["state"], case["provider_id"]) == ("assigned", world.provider.id)
    system = [e for e in events_of(case, "assign") if e.actor_id is None]
    assert [e.data["candidates"][0]["provider_id"] for e in system[1:]] == [world.provider.id]
    assert len(system[1].data["candidates"]) == 1  # the bouncer is no longer asked


def test_when_every_candidate_bounced_the_case_it_waits_in_triage(
    auto_routing, world, new_case, drive
):
    case = new_case()
    assert case["provider_id"] == world.provider.id
    case = drive(case, world.provider_staff, "return", reason="不归我们管")

    case = drive(case, world.dispatcher_a, "accept_return")

    assert (case["state"], case["provider_id"], case["unmet_need"]) == ("submitted", None, False)
    [route] = events_of(case, "route")
    assert route.data["rule"] == "every_candidate_returned_it"


def test_the_routing_advice_leaves_out_providers_that_bounced_the_case(
    client, auth, returned_case, drive, world
):
    case = drive(returned_case(), world.dispatcher_a, "accept_return")
    response = client.get(f"/api/v1/cases/{case['id']}/routing", headers=auth(world.dispatcher_a))
    assert response.get_json()["rule"] == "every_candidate_returned_it"


def test_refusing_a_return_gives_the_case_back_to_its_provider(returned_case, drive, world):
    case = returned_case()
    before = len(inbox_of(world.provider_staff, NotificationKind.ASSIGNED))

    kept = drive(case, world.dispatcher_a, "refuse_return", reason="就在你们片区")

    assert (kept["state"], kept["provider_id"]) == ("assigned", world.provider.id)
    assert kept["version"] == case["version"] + 1
    assert events_of(case, "accept_return") == []
    notes = inbox_of(world.provider_staff, NotificationKind.ASSIGNED)
    assert len(notes) == before + 1
    assert notes[-1].data["note"] == "就在你们片区"


def test_refusing_a_return_needs_a_reason(returned_case, act, world):
    case = returned_case()
    assert_problem(act(world.dispatcher_a, case, "refuse_return"), 422, "reason")
    assert case_row(case).state.value == "returned"


@pytest.mark.parametrize("action", ["accept_return", "refuse_return"])
@pytest.mark.parametrize("who", ["provider_staff", "resident_a", "reviewer_a"])
def test_only_routers_decide_on_a_return(returned_case, act, world, action, who):
    case = returned_case()
    response = act(getattr(world, who), case, action, reason="理由")
    assert_problem(response, 403)
    assert case_row(case).state.value == "returned"


@pytest.mark.parametrize("who", ["dispatcher_a", "grid_worker_a1", "officer_street", "admin"])
def test_routers_in_scope_may_accept_a_return(returned_case, drive, world, who, case_at_street):
    case = case_at_street() if who == "officer_street" else returned_case()
    assert drive(case, getattr(world, who), "accept_return")["state"] == "submitted"


@pytest.fixture
def case_at_street(returned_case, world):
    """A returned case that has climbed to the street (so the street officer sees it)."""
    from linli.escalation.service import escalate_case
    from linli.extensions import db

    def build():
        case = returned_case()
        row = case_row(case)
        for _ in range(2):
            escalate_case(row, "test", now=row.updated_at)
        db.session.commit()
        case.update(version=row.version, escalation_level=row.escalation_level.value)
        return case

    return build


def test_a_dispatcher_of_another_community_cannot_see_the_return(returned_case, act, world):
    case = returned_case()
    assert_problem(act(world.dispatcher_b, case, "accept_return"), 404)


# --- bounce counting ---------------------------------------------------------------------------


def bounce(case, drive, world):
    case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(case, world.provider_staff, "return", reason="不归我们管")
    return drive(case, world.dispatcher_a, "accept_return")


def test_the_third_accepted_return_escalates_the_case_one_level(new_case, drive, world):
    case = new_case()
    for _ in range(2):
        case = bounce(case, drive, world)
        assert case["escalation_level"] == "grid"
    assert count(Escalation) == 0

    case = bounce(case, drive, world)

    assert case["escalation_level"] == "community"
    [escalation] = db_escalations()
    assert (escalation.reason, escalation.from_level.value, escalation.to_level.value) == (
        "bounced_three_times",
        "grid",
        "community",
    )
    [event] = events_of(case, "escalate")
    assert event.data == {
        "reason": "bounced_three_times",
        "from_level": "grid",
        "to_level": "community",
    }
    assert event.actor_id == world.dispatcher_a.id
    # climbing, then routed again at the new level
    assert [e.action for e in events_of(case)][-3:] == ["accept_return", "escalate", "route"]


def test_refused_returns_are_not_bounces(assigned_case, drive, world):
    case = assigned_case()
    for _ in range(3):
        case = drive(case, world.provider_staff, "return", reason="不归我们管")
        case = drive(case, world.dispatcher_a, "refuse_return", reason="请继续处理")
    assert case["escalation_level"] == "grid"
    assert count(Escalation) == 0


def test_the_sixth_accepted_return_escalates_again(new_case, drive, world):
    case = new_case()
    for _ in range(6):
        case = bounce(case, drive, world)
    assert case["escalation_level"] == "street"
    assert [e.to_level.value for e in db_escalations()] == ["community", "street"]


def db_escalations():
    from sqlalchemy import select

    from linli.extensions import db

    return list(db.session.scalars(select(Escalation).order_by(Escalation.id)))


def _staff_of(world, provider):
    from linli.accounts.models import Role
    from tests.factories import make_user

    return make_user(
        f"staff_{provider.id}", Role.PROVIDER_STAFF, world.community_a, provider=provider
    )
