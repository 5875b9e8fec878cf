"""The role × action matrix: on a case in its scope, a role outside a transition's roles gets
403 and changes nothing; a role inside it succeeds."""

from datetime import timedelta

import pytest

from linli.accounts.models import Role
from linli.cases.lifecycle import TRANSITIONS, Action
from linli.cases.models import CaseState
from linli.db import utcnow
from tests.cases.test_lifecycle import EXPECTED_TABLE, FOLLOW_UP_EVENTS, body_for
from tests.support import PROBLEM

MATRIX = [
    pytest.param(state.value, action.value, role, id=f"{state.value}-{action.value}-{role.value}")
    for state, action in sorted(TRANSITIONS)
    for role in Role
    # A submitted or rejected case has no provider, so no provider staff can see it
    # (tested below).
    if not (role is Role.PROVIDER_STAFF and state in (CaseState.SUBMITTED, CaseState.REJECTED))
]


def in_scope_case(case_in_state, state, role):
    # Officers see only what has climbed to their rung (street for officer_street).
    return case_in_state(state, level="street" if role is Role.OFFICER else None)


@pytest.mark.parametrize(("state", "action", "role"), MATRIX)
def test_each_role_may_do_exactly_what_the_table_allows(
    state, action, role, world, case_in_state, act, fetch, events_of
):
    to_state, roles, _, _ = EXPECTED_TABLE[(state, action)]
    actor = world.user(role)
    case = in_scope_case(case_in_state, state, role)
    assert fetch(case, as_=actor)["id"] == case["id"]  # in the actor's scope
    before_events = events_of(case)

    response = act(actor, case, action, **body_for(world, action))

    after = fetch(case)
    if role.value in roles:
        assert response.status_code == 200, response.get_json()
        assert (after["state"], after["version"]) == (to_state, case["version"] + 1)
        assert [e["action"] for e in events_of(case)[len(before_events) :]] == [
            action,
            *FOLLOW_UP_EVENTS.get((state, action), []),
        ]
    else:
        assert response.status_code == 403, response.get_json()
        assert response.content_type == PROBLEM
        assert (after["state"], after["version"]) == (state, case["version"])
        assert len(events_of(case)) == len(before_events)


def test_the_matrix_covers_every_allowed_cell_for_every_role():
    assert len(MATRIX) == len(EXPECTED_TABLE) * len(Role) - sum(
        1 for state, _ in EXPECTED_TABLE if state in ("submitted", "rejected")
    )
    assert {(s.value, a.value) for s, a in TRANSITIONS} == set(EXPECTED_TABLE)


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("submitted", "assign"),
        ("submitted", "reject"),
        ("submitted", "coordinate"),
        ("rejected", "reopen"),
    ],
)
def test_provider_staff_cannot_even_see_a_case_without_provider(
    state, action, world, case_in_state, act, fetch
):
    case = case_in_state(state)

    response = act(world.provider_staff, case, action, **body_for(world, action))

    assert response.status_code == 404
    assert response.content_type == PROBLEM
    assert fetch(case)["version"] == case["version"]


@pytest.mark.parametrize("action", ["close", "reopen"])
def test_a_resident_who_only_supported_a_case_cannot_close_or_reopen_it(
    action, world, case_in_state, client, auth, act, fetch, events_of
):
    case = case_in_state("in_progress")
    supported = client.post(f"/api/v1/cases/{case['id']}/support", headers=auth(world.resident_a2))
    assert supported.status_code == 200
    resolved = act(world.provider_staff, fetch(case), "resolve", note="已处理").get_json()
    before_events = events_of(case)

    seen = fetch(resolved, as_=world.resident_a2)
    response = act(world.resident_a2, resolved, action)

    assert seen["allowed_actions"] == []
    assert response.status_code == 403, response.get_json()
    assert response.content_type == PROBLEM
    after = fetch(case)
    assert (after["state"], after["version"]) == ("resolved", resolved["version"])
    assert len(events_of(case)) == len(before_events)


@pytest.mark.parametrize("action", ["accept", "resolve", "return"])
def test_staff_of_another_provider_cannot_act_on_a_case_they_do_not_hold(
    action, world, case_in_state, act, fetch
):
    state = "in_progress" if action == "resolve" else "assigned"
    case = case_in_state(state, org_id=world.grid_b1.id, reporter=world.resident_b)

    response = act(world.other_provider_staff, case, action, reason="理由", note="说明")

    assert response.status_code == 404
    assert response.content_type == PROBLEM
    assert fetch(case)["version"] == case["version"]


def coordinated_case(case_in_state, act, world, state):
    """A case of world.provider's with world.other_provider as a co-unit holding a task."""
    case = case_in_state(state)
    due = (utcnow() + timedelta(days=2)).isoformat()
    response = act(
        world.dispatcher_a,
        case,
        "coordinate",
        lead_provider_id=world.provider.id,
        co_providers=[{"provider_id": world.other_provider.id, "due_at": due}],
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.usefixtures("other_provider_serves_a")
@pytest.mark.parametrize("state", ["assigned", "in_progress"])
def test_staff_of_a_co_unit_see_the_case_but_may_not_act_on_it(
    state, world, case_in_state, act, fetch, events_of
):
    case = coordinated_case(case_in_state, act, world, state)
    before_events = events_of(case)

    seen = fetch(case, as_=world.other_provider_staff)
    refused = {
        action.value: act(
            world.other_provider_staff, case, action.value, **body_for(world, action.value)
        )
        for action in Action
    }

    assert seen["allowed_actions"] == []
    assert [t["provider_id"] for t in seen["co_tasks"]] == [world.other_provider.id]
    # Only the lead's staff may take the provider's actions that this state has (403 for a
    # co-unit); a provider action this state does not have is a 422 for anyone.
    not_in_state = {"assigned": {"resolve"}, "in_progress": {"accept"}}[state]
    assert {a for a, r in refused.items() if r.status_code == 422} == not_in_state
    assert {a for a, r in refused.items() if r.status_code == 403} == {
        a.value for a in Action
    } - not_in_state
    assert all(r.content_type == PROBLEM for r in refused.values())
    assert (
        set(fetch(case, as_=world.provider_staff)["allowed_actions"])
        == {"assigned": {"accept", "return"}, "in_progress": {"return", "resolve"}}[state]
    )
    after = fetch(case)
    assert (after["state"], after["version"]) == (state, case["version"])
    assert events_of(case) == before_events
