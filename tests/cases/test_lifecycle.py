"""Every cell of the case transition table, allowed and forbidden, through the API.

The cells are derived from `TRANSITIONS`; what each cell must do is pinned literally in
EXPECTED_TABLE, so a silent change to the table fails here.
"""

import uuid

import pytest
from werkzeug.exceptions import HTTPException

from linli.accounts.models import Role
from linli.cases.lifecycle import ROLES_FOR_ACTION, TRANSITIONS, Action, apply_transition
from linli.cases.models import Case, CaseState
from linli.db import utcnow
from linli.extensions import db
from tests.cases.conftest import PROBLEM

ROUTERS = {"dispatcher", "grid_worker", "officer", "admin"}
SUPERVISORS = {"dispatcher", "officer", "party_reviewer", "admin"}

# (state, action) → (to state, roles allowed, required input, event public)
EXPECTED_TABLE = {
    ("submitted", "assign"): ("assigned", ROUTERS, "provider_id", True),
    ("assigned", "assign"): ("assigned", ROUTERS, "provider_id", True),
    ("in_progress", "assign"): ("assigned", ROUTERS, "provider_id", True),
    ("assigned", "accept"): ("in_progress", {"provider_staff"}, None, True),
    ("assigned", "return"): ("submitted", {"provider_staff"}, "reason", False),
    ("in_progress", "return"): ("submitted", {"provider_staff"}, "reason", False),
    ("in_progress", "resolve"): ("resolved", {"provider_staff"}, "note", True),
    ("submitted", "reject"): ("rejected", {"dispatcher", "grid_worker", "admin"}, "reason", True),
    ("resolved", "reopen"): ("assigned", SUPERVISORS | {"resident"}, None, True),
    ("closed", "reopen"): ("assigned", {"officer", "party_reviewer", "admin"}, None, True),
    ("resolved", "close"): ("closed", {"resident", "dispatcher", "officer", "admin"}, None, True),
}

ALLOWED_CELLS = sorted((s.value, a.value) for s, a in TRANSITIONS)
FORBIDDEN_CELLS = sorted(
    (s.value, a.value) for s in CaseState for a in Action if (s, a) not in TRANSITIONS
)
# Provider staff see only cases their provider holds, and a submitted or rejected case
# has no provider: these cells cannot be reached over the API, so they are checked on
# apply_transition itself.
PROVIDER_ONLY = {"accept", "return", "resolve"}
UNREACHABLE_OVER_API = [(s, a) for s, a in FORBIDDEN_CELLS
                        if a in PROVIDER_ONLY and s in ("submitted", "rejected")]
FORBIDDEN_OVER_API = [cell for cell in FORBIDDEN_CELLS if cell not in UNREACHABLE_OVER_API]

# Whom to act as, in order of preference: roles that can see a fresh grid-level case
# of resident_a once a provider holds it (officers only see escalated cases).
ACTOR_PREFERENCE = ["dispatcher", "provider_staff", "resident", "party_reviewer", "admin"]
ALL_INPUTS = {"reason": "理由", "note": "说明"}


def actor_for(world, roles):
    role = next(r for r in ACTOR_PREFERENCE if r in roles)
    return world.user(Role(role))


def expected_allowed(state, role):
    return {a for (s, a), (_, roles, _, _) in EXPECTED_TABLE.items()
            if s == state and role in roles}


def as_plain_table():
    return {
        (s.value, a.value): (t.to.value, {r.value for r in t.roles}, t.requires, t.public)
        for (s, a), t in TRANSITIONS.items()
    }


def test_transition_table_is_exactly_the_documented_one():
    assert as_plain_table() == EXPECTED_TABLE


def test_roles_for_action_is_the_union_of_the_tables_roles():
    for action in Action:
        expected = set().union(*(roles for (_, a), (_, roles, _, _) in EXPECTED_TABLE.items()
                                 if a == action.value))
        assert {r.value for r in ROLES_FOR_ACTION[action]} == expected, action


def test_the_parametrization_covers_every_state_and_action():
    cells = set(ALLOWED_CELLS) | set(FORBIDDEN_OVER_API) | set(UNREACHABLE_OVER_API)
    assert len(cells) == len(CaseState) * len(Action) == 42
    assert len(ALLOWED_CELLS) == len(EXPECTED_TABLE)


@pytest.mark.parametrize(("state", "action"), ALLOWED_CELLS)
def test_an_allowed_transition_moves_the_case_bumps_version_and_logs_one_event(
    state, action, world, case_in_state, act, fetch, events_of
):
    to_state, roles, _, public = EXPECTED_TABLE[(state, action)]
    actor = actor_for(world, roles)
    case = case_in_state(state)
    before_events = events_of(case)

    body = dict(ALL_INPUTS)
    if action == "assign":
        body["provider_id"] = world.provider.id
    response = act(actor, case, action, **body)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == to_state
    after = fetch(case)
    assert (after["state"], after["version"]) == (to_state, case["version"] + 1)
    events = events_of(case)
    assert len(events) == len(before_events) + 1
    event = events[-1]
    assert (event["action"], event["from_state"], event["to_state"]) == (action, state, to_state)
    assert event["actor"]["id"] == actor.id
    assert event["public"] is public


@pytest.mark.parametrize(("state", "action"), FORBIDDEN_OVER_API)
def test_a_forbidden_transition_is_refused_with_the_allowed_actions_and_changes_nothing(
    state, action, world, case_in_state, act, fetch, events_of
):
    actor = actor_for(world, {r.value for r in ROLES_FOR_ACTION[Action(action)]})
    case = case_in_state(state)
    before_events = events_of(case)

    response = act(actor, case, action, provider_id=world.provider.id, **ALL_INPUTS)

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    problem = response.get_json()
    assert problem["type"] == "https://linli.example.org/problems/transition-not-allowed"
    assert problem["state"] == state
    assert set(problem["allowed_actions"]) == expected_allowed(state, actor.role.value)
    after = fetch(case)
    assert (after["state"], after["version"]) == (state, case["version"])
    assert len(events_of(case)) == len(before_events)


@pytest.mark.parametrize(("state", "action"), UNREACHABLE_OVER_API)
def test_a_provider_action_on_a_case_without_provider_is_refused_by_the_table(
    state, action, world, case_in_state
):
    case = db.session.get(Case, uuid.UUID(case_in_state(state)["id"]))
    version = case.version

    with pytest.raises(HTTPException) as refused:
        apply_transition(case, Action(action), actor=world.provider_staff, now=utcnow(),
                         expected_version=version, note="理由")

    assert refused.value.code == 422
    data = refused.value.data
    assert data["type"] == "https://linli.example.org/problems/transition-not-allowed"
    assert (data["state"], data["allowed_actions"]) == (state, [])
    assert (case.state.value, case.version) == (state, version)
    assert not db.session.dirty and not db.session.new


# provider_id is an integer: a blank string there is a type error, tested further down.
BLANKS = {"provider_id": [None], "reason": [None, "", "   "], "note": [None, "", "   "]}
REQUIRED_INPUT_CELLS = [
    pytest.param(s.value, a.value, t.requires, blank, id=f"{s.value}-{a.value}-{blank!r}")
    for (s, a), t in sorted(TRANSITIONS.items())
    if t.requires
    for blank in BLANKS[t.requires]
]


@pytest.mark.parametrize(("state", "action", "field", "blank"), REQUIRED_INPUT_CELLS)
def test_an_action_without_its_required_input_is_refused_naming_the_field(
    state, action, field, blank, world, case_in_state, act, fetch, events_of
):
    _, roles, _, _ = EXPECTED_TABLE[(state, action)]
    case = case_in_state(state)
    before_events = events_of(case)
    body = {} if blank is None else {field: blank}

    response = act(actor_for(world, roles), case, action, **body)

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert field in response.get_json()["errors"]
    after = fetch(case)
    assert (after["state"], after["version"], after["provider_id"]) == (
        state, case["version"], case["provider_id"])
    assert len(events_of(case)) == len(before_events)


@pytest.mark.parametrize("provider_id", ["1", 0, -1, 1.5, True, 2**31])
def test_assign_with_a_malformed_provider_id_is_refused(
    provider_id, world, case_in_state, act, fetch
):
    case = case_in_state("submitted")

    response = act(world.dispatcher_a, case, "assign", provider_id=provider_id)

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert "provider_id" in response.get_json()["errors"]
    assert fetch(case)["version"] == case["version"]


def test_assign_to_a_provider_that_does_not_exist_is_refused_naming_the_field(
    world, case_in_state, act, fetch, events_of
):
    case = case_in_state("submitted")

    response = act(world.dispatcher_a, case, "assign", provider_id=999_999)

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert "provider_id" in response.get_json()["errors"]
    assert fetch(case)["state"] == "submitted"
    assert len(events_of(case)) == 1


def test_assign_records_the_provider_and_reassign_replaces_it(world, case_in_state, drive, fetch):
    case = case_in_state("in_progress")

    drive(case, world.dispatcher_a, "assign", provider_id=world.other_provider.id)

    after = fetch(case)
    assert (after["state"], after["provider_id"]) == ("assigned", world.other_provider.id)


def test_return_clears_the_provider_and_resolve_stamps_resolved_at(
    world, case_in_state, drive, fetch
):
    returned = case_in_state("assigned")
    drive(returned, world.provider_staff, "return", reason="不归我们管")
    assert fetch(returned)["provider_id"] is None

    resolved = case_in_state("in_progress")
    assert fetch(resolved)["resolved_at"] is None
    drive(resolved, world.provider_staff, "resolve", note="已处理")
    assert fetch(resolved)["resolved_at"] is not None


def test_reopen_starts_a_new_cycle_one_level_up_with_the_same_provider(
    world, case_in_state, drive, fetch
):
    case = case_in_state("closed")
    assert (case["escalation_level"], case["cycle"]) == ("grid", 1)

    drive(case, world.reviewer_a, "reopen")

    after = fetch(case)
    assert (after["state"], after["escalation_level"], after["cycle"]) == (
        "assigned", "community", 2)
    assert after["provider_id"] == world.provider.id
    assert (after["resolved_at"], after["closed_at"]) == (None, None)


def test_an_unknown_action_is_not_found_and_changes_nothing(world, case_in_state, act, fetch):
    case = case_in_state("submitted")

    response = act(world.admin, case, "teleport")

    assert response.status_code == 404
    assert response.content_type == PROBLEM
    assert fetch(case)["version"] == case["version"]


# --- optimistic locking ------------------------------------------------------------------


def test_a_stale_version_gets_409_with_the_current_case_and_changes_nothing(
    world, case_in_state, act, fetch, events_of
):
    stale = case_in_state("submitted")
    current = act(world.dispatcher_a, stale, "assign", provider_id=world.provider.id).get_json()
    before_events = events_of(stale)

    response = act(world.dispatcher_a, stale, "reject", reason="重复")

    assert response.status_code == 409, response.get_json()
    assert response.content_type == PROBLEM
    problem = response.get_json()
    assert problem["type"] == "https://linli.example.org/problems/version-conflict"
    assert problem["case"]["id"] == stale["id"]
    assert problem["case"]["state"] == "assigned"
    assert problem["case"]["version"] == current["version"]
    assert problem["case"]["version"] == stale["version"] + 1
    after = fetch(stale)
    assert (after["state"], after["version"]) == ("assigned", current["version"])
    assert len(events_of(stale)) == len(before_events)


def test_a_version_from_the_future_is_a_conflict_too(world, case_in_state, act, fetch):
    case = case_in_state("assigned")

    response = act(world.provider_staff, case, "accept", version=case["version"] + 5)

    assert response.status_code == 409
    assert response.get_json()["case"]["version"] == case["version"]
    assert fetch(case)["state"] == "assigned"


@pytest.mark.parametrize(
    "version", ["1", 1.5, True, None, 0, -1, 2**31, [1]], ids=repr
)
def test_a_version_of_the_wrong_type_or_range_is_refused(version, world, case_in_state, act, fetch):
    case = case_in_state("assigned")

    response = act(world.provider_staff, case, "accept", version=version)

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert "version" in response.get_json()["errors"]
    assert fetch(case)["version"] == case["version"]


def test_an_action_without_a_version_is_refused(world, case_in_state, client, auth, fetch):
    case = case_in_state("assigned")

    response = client.post(f"/api/v1/cases/{case['id']}/actions/accept", json={},
                           headers=auth(world.provider_staff))

    assert response.status_code == 422
    assert response.content_type == PROBLEM
    assert "version" in response.get_json()["errors"]
    assert fetch(case)["state"] == "assigned"


def test_an_action_body_with_an_unknown_field_is_refused(world, case_in_state, act, fetch):
    case = case_in_state("assigned")

    response = act(world.provider_staff, case, "accept", state="closed")

    assert response.status_code == 422
    assert response.content_type == PROBLEM
    assert "state" in response.get_json()["errors"]
    assert fetch(case)["state"] == "assigned"
