"""The role × action matrix: on a case in its scope, a role outside a transition's roles gets
403 and changes nothing; a role inside it succeeds."""

import pytest

from linli.accounts.models import Role
from linli.cases.lifecycle import TRANSITIONS
from linli.cases.models import CaseState
from tests.cases.conftest import PROBLEM
from tests.cases.test_lifecycle import EXPECTED_TABLE

MATRIX = [
    pytest.param(state.value, action.value, role, id=f"{state.value}-{action.value}-{role.value}")
    for state, action in sorted(TRANSITIONS)
    for role in Role
    # A submitted case has no provider, so no provider staff can see it (tested below).
    if not (role is Role.PROVIDER_STAFF and state is CaseState.SUBMITTED)
]


def body_for(world, action):
    body = {"reason": "理由", "note": "说明"}
    if action == "assign":
        body["provider_id"] = world.provider.id
    return body


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
        assert len(events_of(case)) == len(before_events) + 1
    else:
        assert response.status_code == 403, response.get_json()
        assert response.content_type == PROBLEM
        assert (after["state"], after["version"]) == (state, case["version"])
        assert len(events_of(case)) == len(before_events)


@pytest.mark.parametrize("action", ["assign", "reject"])
def test_provider_staff_cannot_even_see_a_submitted_case(action, world, case_in_state, act, fetch):
    case = case_in_state("submitted")

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
