"""Every cell of the case transition table, allowed and forbidden, through the API.

The cells are derived from `TRANSITIONS`; what each cell must do is pinned literally in
EXPECTED_TABLE, so a silent change to the table fails here.
"""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from linli.accounts.models import Role
from linli.cases.lifecycle import ROLES_FOR_ACTION, TRANSITIONS, Action, apply_transition
from linli.cases.models import Case, CaseEvent, CaseState
from linli.db import utcnow
from linli.escalation.models import Escalation
from linli.extensions import db
from tests.support import PROBLEM

ROUTERS = {"dispatcher", "grid_worker", "officer", "admin"}
SUPERVISORS = {"dispatcher", "officer", "party_reviewer", "admin"}
COORDINATORS = {"dispatcher", "officer", "admin"}

# (state, action) → (to state, roles allowed, required input, event public)
EXPECTED_TABLE = {
    ("submitted", "assign"): ("assigned", ROUTERS, "provider_id", True),
    ("assigned", "assign"): ("assigned", ROUTERS, "provider_id", True),
    ("in_progress", "assign"): ("assigned", ROUTERS, "provider_id", True),
    ("assigned", "accept"): ("in_progress", {"provider_staff"}, None, True),
    ("assigned", "return"): ("returned", {"provider_staff"}, "reason", False),
    ("in_progress", "return"): ("returned", {"provider_staff"}, "reason", False),
    ("returned", "accept_return"): ("submitted", ROUTERS, None, False),
    ("returned", "refuse_return"): ("assigned", ROUTERS, "reason", False),
    ("submitted", "coordinate"): ("assigned", COORDINATORS, "lead_provider_id", True),
    ("assigned", "coordinate"): ("assigned", COORDINATORS, "lead_provider_id", True),
    ("in_progress", "coordinate"): ("in_progress", COORDINATORS, "lead_provider_id", True),
    ("in_progress", "resolve"): ("resolved", {"provider_staff"}, "note", True),
    ("submitted", "reject"): ("rejected", {"dispatcher", "grid_worker", "admin"}, "reason", True),
    ("resolved", "reopen"): ("assigned", SUPERVISORS | {"resident"}, None, True),
    ("closed", "reopen"): ("assigned", {"officer", "party_reviewer", "admin"}, None, True),
    ("rejected", "reopen"): ("submitted", {"officer", "party_reviewer", "admin"}, None, True),
    ("resolved", "close"): ("closed", {"resident", "dispatcher", "officer", "admin"}, None, True),
    ("closed", "appeal"): ("assigned", {"resident"}, "reason", True),
    ("submitted", "withdraw"): ("closed", {"resident"}, None, True),
    ("assigned", "withdraw"): ("closed", {"resident"}, None, True),
}

ALLOWED_CELLS = sorted((s.value, a.value) for s, a in TRANSITIONS)
FORBIDDEN_CELLS = sorted(
    (s.value, a.value) for s in CaseState for a in Action if (s, a) not in TRANSITIONS
)
# Provider staff see only cases their provider holds, and a submitted or rejected case
# has no provider: these cells cannot be reached over the API, so they are checked on
# apply_transition itself.
PROVIDER_ONLY = {"accept", "return", "resolve"}
UNREACHABLE_OVER_API = [
    (s, a) for s, a in FORBIDDEN_CELLS if a in PROVIDER_ONLY and s in ("submitted", "rejected")
]
FORBIDDEN_OVER_API = [cell for cell in FORBIDDEN_CELLS if cell not in UNREACHABLE_OVER_API]

# Whom to act as, in order of preference: roles that can see a fresh grid-level case
# of resident_a once a provider holds it (officers only see escalated cases).
ACTOR_PREFERENCE = ["dispatcher", "provider_staff", "resident", "party_reviewer", "admin"]
ALL_INPUTS = {"reason": "理由", "note": "说明"}
# Events a transition sets off after its own, in order. The test app routes by suggestion
# only (AUTO_ROUTING off), so a case back in the queue gets an internal `route` event; a
# reopen of handled work climbs one level (an `escalate` event); a rejection sent back
# goes to triage at its level.
FOLLOW_UP_EVENTS = {
    ("returned", "accept_return"): ["route"],
    ("resolved", "reopen"): ["escalate"],
    ("closed", "reopen"): ["escalate"],
    ("closed", "appeal"): ["escalate"],
    ("rejected", "reopen"): ["route"],
}


def body_for(world, action):
    """Every input an action may take, with the provider field the action reads."""
    body = dict(ALL_INPUTS)
    if action == "assign":
        body["provider_id"] = world.provider.id
    if action == "coordinate":
        body["lead_provider_id"] = world.provider.id
    return body


def actor_for(world, roles):
    role = next(r for r in ACTOR_PREFERENCE if r in roles)
    return world.user(Role(role))


def expected_allowed(state, role):
    return {
        a for (s, a), (_, roles, _, _) in EXPECTED_TABLE.items() if s == state and role in roles
    }


def as_plain_table():
    return {
        (s.value, a.value): (t.to.value, {r.value for r in t.roles}, t.requires, t.public)
        for (s, a), t in TRANSITIONS.items()
    }


def test_transition_table_is_exactly_the_documented_one():
    assert as_plain_table() == EXPECTED_TABLE


def test_roles_for_action_is_the_union_of_the_tables_roles():
    for action in Action:
        expected = set().union(
            *(roles for (_, a), (_, roles, _, _) in EXPECTED_TABLE.items() if a == action.value)
        )
        assert {r.value for r in ROLES_FOR_ACTION[action]} == expected, action


def test_the_parametrization_covers_every_state_and_action():
    cells = set(ALLOWED_CELLS) | set(FORBIDDEN_OVER_API) | set(UNREACHABLE_OVER_API)
    assert len(cells) == len(CaseState) * len(Action) == 84
    assert len(ALLOWED_CELLS) == len(EXPECTED_TABLE)


@pytest.mark.parametrize(("state", "action"), ALLOWED_CELLS)
def test_an_allowed_transition_moves_the_case_bumps_version_and_logs_one_event(
    state, action, world, case_in_state, act, fetch, events_of
):
    to_state, roles, _, public = EXPECTED_TABLE[(state, action)]
    actor = actor_for(world, roles)
    case = case_in_state(state)
    before_events = events_of(case)

    response = act(actor, case, action, **body_for(world, action))

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == to_state
    after = fetch(case)
    assert (after["state"], after["version"]) == (to_state, case["version"] + 1)
    events = events_of(case)
    assert events[: len(before_events)] == before_events
    added = events[len(before_events) :]
    assert [e["action"] for e in added] == [action, *FOLLOW_UP_EVENTS.get((state, action), [])]
    event = added[0]
    assert (event["action"], event["from_state"], event["to_state"]) == (action, state, to_state)
    assert event["actor"]["id"] == actor.id
    assert event["public"] is public
    for follow_up in added[1:]:  # they do not move the case
        assert (follow_up["from_state"], follow_up["to_state"]) == (to_state, to_state)


@pytest.mark.parametrize(("state", "action"), FORBIDDEN_OVER_API)
def test_a_forbidden_transition_is_refused_with_the_allowed_actions_and_changes_nothing(
    state, action, world, case_in_state, act, fetch, events_of
):
    actor = actor_for(world, {r.value for r in ROLES_FOR_ACTION[Action(action)]})
    case = case_in_state(state)
    before_events = events_of(case)

    response = act(
        actor,
        case,
        action,
        provider_id=world.provider.id,
        lead_provider_id=world.provider.id,
        **ALL_INPUTS,
    )

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
        apply_transition(
            case,
            Action(action),
            actor=world.provider_staff,
            now=utcnow(),
            expected_version=version,
            note="理由",
        )

    assert refused.value.code == 422
    data = refused.value.data
    assert data["type"] == "https://linli.example.org/problems/transition-not-allowed"
    assert (data["state"], data["allowed_actions"]) == (state, [])
    assert (case.state.value, case.version) == (state, version)
    assert not db.session.dirty and not db.session.new


# Provider ids are integers: a blank string there is a type error, tested further down.
BLANKS = {
    "provider_id": [None],
    "lead_provider_id": [None],
    "reason": [None, "", "   "],
    "note": [None, "", "   "],
}
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
    assert set(response.get_json()["errors"]) == {field}
    after = fetch(case)
    assert (after["state"], after["version"], after["provider_id"]) == (
        state,
        case["version"],
        case["provider_id"],
    )
    assert len(events_of(case)) == len(before_events)


@pytest.mark.parametrize("state", ["submitted", "assigned", "in_progress"])
def test_coordinate_names_its_lead_in_lead_provider_id_not_provider_id(
    state, world, case_in_state, act, fetch, events_of
):
    case = case_in_state(state)
    before_events = events_of(case)

    response = act(world.dispatcher_a, case, "coordinate", provider_id=world.other_provider.id)

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert set(response.get_json()["errors"]) == {"lead_provider_id"}
    after = fetch(case)
    assert (after["state"], after["version"], after["provider_id"], after["co_tasks"]) == (
        state,
        case["version"],
        case["provider_id"],
        [],
    )
    assert len(events_of(case)) == len(before_events)


PROVIDER_FIELDS = [("assign", "provider_id"), ("coordinate", "lead_provider_id")]


@pytest.mark.parametrize(("action", "field"), PROVIDER_FIELDS)
@pytest.mark.parametrize("provider_id", ["1", 0, -1, 1.5, True, 2**31])
def test_a_malformed_provider_id_is_refused_naming_the_field(
    provider_id, action, field, world, case_in_state, act, fetch
):
    case = case_in_state("submitted")

    response = act(world.dispatcher_a, case, action, **{field: provider_id})

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert field in response.get_json()["errors"]
    assert fetch(case)["version"] == case["version"]


@pytest.mark.parametrize(("action", "field"), PROVIDER_FIELDS)
def test_a_provider_that_does_not_exist_is_refused_naming_the_field(
    action, field, world, case_in_state, act, fetch, events_of
):
    case = case_in_state("submitted")
    before_events = events_of(case)

    response = act(world.dispatcher_a, case, action, **{field: 999_999})

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert set(response.get_json()["errors"]) == {field}
    after = fetch(case)
    assert (after["state"], after["version"], after["provider_id"]) == (
        "submitted",
        case["version"],
        None,
    )
    assert events_of(case) == before_events


@pytest.mark.parametrize(("action", "field"), PROVIDER_FIELDS)
def test_an_inactive_provider_is_refused_naming_the_field(
    action, field, world, case_in_state, act, fetch, events_of
):
    case = case_in_state("assigned")
    before_events = events_of(case)
    world.other_provider.active = False
    db.session.flush()

    response = act(world.dispatcher_a, case, action, **{field: world.other_provider.id})

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert set(response.get_json()["errors"]) == {field}
    after = fetch(case)
    assert (after["state"], after["version"], after["provider_id"]) == (
        "assigned",
        case["version"],
        world.provider.id,
    )
    assert events_of(case) == before_events


@pytest.mark.usefixtures("other_provider_serves_a")
def test_assign_records_the_provider_and_reassign_replaces_it(world, case_in_state, drive, fetch):
    case = case_in_state("in_progress")

    drive(case, world.dispatcher_a, "assign", provider_id=world.other_provider.id)

    after = fetch(case)
    assert (after["state"], after["provider_id"]) == ("assigned", world.other_provider.id)


def events_in_db(case, action=None):
    query = select(CaseEvent).where(CaseEvent.case_id == uuid.UUID(case["id"]))
    if action is not None:
        query = query.where(CaseEvent.action == action)
    return list(db.session.scalars(query.order_by(CaseEvent.at, CaseEvent.id)))


def escalations_of(case):
    return list(
        db.session.scalars(
            select(Escalation)
            .where(Escalation.case_id == uuid.UUID(case["id"]))
            .order_by(Escalation.id)
        )
    )


@pytest.mark.parametrize("state", ["assigned", "in_progress"])
def test_a_returned_case_stays_with_its_provider_until_a_dispatcher_decides(
    state, world, case_in_state, drive, fetch
):
    case = case_in_state(state)

    returned = drive(case, world.provider_staff, "return", reason="不归我们管")

    after = fetch(returned)
    assert (after["state"], after["provider_id"], after["version"]) == (
        "returned",
        world.provider.id,
        case["version"] + 1,
    )
    assert fetch(returned, as_=world.provider_staff)["allowed_actions"] == []
    assert set(fetch(returned, as_=world.dispatcher_a)["allowed_actions"]) == {
        "accept_return",
        "refuse_return",
    }
    (event,) = events_in_db(case, "return")
    assert (event.note, event.public) == ("不归我们管", False)


def test_accepting_a_return_clears_the_provider_records_the_bounce_and_queues_the_case_again(
    world, case_in_state, drive, fetch
):
    case = drive(case_in_state("assigned"), world.provider_staff, "accept")
    assert fetch(case)["accepted_at"] is not None
    returned = drive(case, world.provider_staff, "return", reason="不归我们管")

    drive(returned, world.dispatcher_a, "accept_return")

    after = fetch(case)
    assert (after["state"], after["provider_id"], after["accepted_at"]) == ("submitted", None, None)
    assert (after["version"], after["escalation_level"]) == (returned["version"] + 1, "grid")
    (bounce,) = events_in_db(case, "accept_return")
    assert bounce.data == {"bounced_provider_id": world.provider.id}
    route = events_in_db(case)[-1]
    assert (route.action, route.public, route.actor_id) == ("route", False, None)
    # The only provider covering the case bounced it: nobody is left to suggest.
    assert (route.data["rule"], route.data["suggested_provider_id"]) == (
        "every_candidate_returned_it",
        None,
    )
    assert escalations_of(case) == []


def test_refusing_a_return_gives_the_case_back_to_the_same_provider(
    world, case_in_state, drive, fetch
):
    returned = case_in_state("returned")

    drive(returned, world.dispatcher_a, "refuse_return", reason="属于你方服务范围")

    after = fetch(returned)
    assert (after["state"], after["provider_id"], after["version"]) == (
        "assigned",
        world.provider.id,
        returned["version"] + 1,
    )
    assert events_in_db(returned)[-1].action == "refuse_return"
    assert set(fetch(returned, as_=world.provider_staff)["allowed_actions"]) == {"accept", "return"}


def test_every_third_accepted_return_climbs_the_case_one_level(world, case_in_state, drive, fetch):
    case = case_in_state("assigned")
    levels = []
    for _ in range(3):
        case = drive(case, world.provider_staff, "return", reason="不归我们管")
        case = drive(case, world.dispatcher_a, "accept_return")
        levels.append(case["escalation_level"])
        case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)

    assert levels == ["grid", "grid", "community"]
    (escalation,) = escalations_of(case)
    assert (escalation.reason, escalation.from_level.value, escalation.to_level.value) == (
        "bounced_three_times",
        "grid",
        "community",
    )
    third = events_in_db(case, "accept_return")[-1]
    following = [e.action for e in events_in_db(case) if e.id > third.id]
    assert following[:2] == ["escalate", "route"]


def test_resolve_stamps_resolved_at(world, case_in_state, drive, fetch):
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
        "assigned",
        "community",
        2,
    )
    assert after["provider_id"] == world.provider.id
    assert after["version"] == case["version"] + 1
    assert (after["resolved_at"], after["closed_at"]) == (None, None)
    reopen, escalate = events_in_db(case)[-2:]
    assert (reopen.action, escalate.action) == ("reopen", "escalate")
    assert escalate.actor_id == world.reviewer_a.id
    assert escalate.data == {
        "reason": "reopened_by_supervisor",
        "from_level": "grid",
        "to_level": "community",
    }
    (escalation,) = escalations_of(case)
    assert (escalation.cycle, escalation.reason, escalation.to_level.value) == (
        2,
        "reopened_by_supervisor",
        "community",
    )


@pytest.mark.usefixtures("other_provider_serves_a")
@pytest.mark.parametrize("state", ["submitted", "assigned", "in_progress"])
def test_coordinate_makes_the_lead_the_provider_and_opens_a_task_per_co_unit(
    state, world, case_in_state, act, fetch
):
    case = case_in_state(state)
    due = (utcnow() + timedelta(days=2)).isoformat()
    to_state = "in_progress" if state == "in_progress" else "assigned"

    response = act(
        world.dispatcher_a,
        case,
        "coordinate",
        lead_provider_id=world.provider.id,
        co_providers=[{"provider_id": world.other_provider.id, "due_at": due, "note": "协助疏通"}],
    )

    assert response.status_code == 200, response.get_json()
    after = fetch(case)
    assert (after["state"], after["provider_id"], after["version"]) == (
        to_state,
        world.provider.id,
        case["version"] + 1,
    )
    assert [(t["provider_id"], t["state"], t["note"]) for t in after["co_tasks"]] == [
        (world.other_provider.id, "open", "协助疏通")
    ]


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


@pytest.mark.parametrize("version", ["1", 1.5, True, None, 0, -1, 2**31, [1]], ids=repr)
def test_a_version_of_the_wrong_type_or_range_is_refused(version, world, case_in_state, act, fetch):
    case = case_in_state("assigned")

    response = act(world.provider_staff, case, "accept", version=version)

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert "version" in response.get_json()["errors"]
    assert fetch(case)["version"] == case["version"]


def test_an_action_without_a_version_is_refused(world, case_in_state, client, auth, fetch):
    case = case_in_state("assigned")

    response = client.post(
        f"/api/v1/cases/{case['id']}/actions/accept", json={}, headers=auth(world.provider_staff)
    )

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
