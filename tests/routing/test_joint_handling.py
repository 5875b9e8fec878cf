"""Joint handling (吹哨报到): a lead unit holds the case, co-units each work their own task."""

import pytest

from linli.accounts.models import Role
from linli.notifications.models import NotificationKind
from linli.routing.models import CoTask
from tests.factories import make_user
from tests.support import (
    API,
    assert_problem,
    case_row,
    count,
    events_of,
    inbox_of,
    later,
    settle,
)

TASKS = f"{API}/tasks"

# The co-unit in these tests is other_provider, which must fit community A's cases.
pytestmark = pytest.mark.usefixtures("other_provider_serves_a")


@pytest.fixture
def coordinate(drive, world):
    """coordinate(case, by=dispatcher_a) → the case with world.provider leading, other_provider co-unit."""

    def run(case, by=None, co=None):
        co_providers = co or [
            {"provider_id": world.other_provider.id, "due_at": later(), "note": "协助清理楼道"}
        ]
        return drive(
            case,
            by or world.dispatcher_a,
            "coordinate",
            lead_provider_id=world.provider.id,
            co_providers=co_providers,
        )

    return run


@pytest.fixture
def task_action(client, auth, world):
    """task_action(task_id, action, user=other_provider_staff, **body) → the response."""

    def post(task_id, action, user=None, **body):
        return client.post(
            f"{TASKS}/{task_id}/actions/{action}",
            json=body,
            headers=auth(user or world.other_provider_staff),
        )

    return post


@pytest.mark.parametrize("start", ["submitted", "assigned", "in_progress"])
def test_coordinating_makes_the_lead_the_provider_and_opens_a_co_task(
    new_case, drive, coordinate, world, start
):
    case = new_case()
    if start != "submitted":
        case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    if start == "in_progress":
        case = drive(case, world.provider_staff, "accept")

    joint = coordinate(case)

    assert joint["state"] == ("in_progress" if start == "in_progress" else "assigned")
    assert joint["provider_id"] == world.provider.id
    assert joint["version"] == case["version"] + 1
    [task] = joint["co_tasks"]
    assert (task["provider_id"], task["state"], task["note"]) == (
        world.other_provider.id,
        "open",
        "协助清理楼道",
    )
    assert [e.action for e in events_of(case, "coordinate")] == ["coordinate"]


@pytest.mark.parametrize("who", ["dispatcher_a", "officer_district", "admin"])
def test_coordinators_may_coordinate(new_case, coordinate, world, who, sweep):
    case = new_case()
    if who == "officer_district":
        row = case_row(case)
        from linli.escalation.service import escalate_case
        from linli.extensions import db

        for _ in range(3):
            escalate_case(row, "test", now=row.created_at)
        db.session.commit()
        case["version"] = row.version
    assert coordinate(case, by=getattr(world, who))["co_tasks"]


@pytest.mark.parametrize("who", ["grid_worker_a1", "provider_staff", "resident_a", "reviewer_a"])
def test_other_roles_may_not_coordinate(assigned_case, act, world, who):
    case = assigned_case()
    response = act(
        getattr(world, who),
        case,
        "coordinate",
        lead_provider_id=world.provider.id,
        co_providers=[{"provider_id": world.other_provider.id, "due_at": later()}],
    )
    assert_problem(response, 403)
    assert count(CoTask) == 0


def test_the_co_units_staff_are_told_of_their_task(new_case, coordinate, world):
    case = coordinate(new_case())
    [note] = inbox_of(world.other_provider_staff, NotificationKind.CO_TASK, case)
    assert note.data["reference"] == case["reference"]
    assert note.data["due_at"]
    assert inbox_of(world.provider_staff, NotificationKind.CO_TASK) == []


def test_the_co_unit_sees_its_task_and_the_case(client, auth, new_case, coordinate, world):
    case = coordinate(new_case())

    tasks = client.get(TASKS, headers=auth(world.other_provider_staff)).get_json()["items"]
    seen = client.get(f"{API}/cases/{case['id']}", headers=auth(world.other_provider_staff))

    assert [(t["case_id"], t["state"]) for t in tasks] == [(case["id"], "open")]
    assert tasks[0]["provider_name"] == world.other_provider.name
    assert seen.status_code == 200
    assert seen.get_json()["allowed_actions"] == []
    assert client.get(TASKS, headers=auth(world.provider_staff)).get_json()["items"] == []


def test_the_task_list_filters_by_state(client, auth, new_case, coordinate, task_action, world):
    first = coordinate(new_case())
    second = coordinate(new_case())
    task_action(first["co_tasks"][0]["id"], "accept")

    def listed(state):
        response = client.get(f"{TASKS}?state={state}", headers=auth(world.other_provider_staff))
        assert response.status_code == 200, response.get_json()
        return [t["case_id"] for t in response.get_json()["items"]]

    assert listed("accepted") == [first["id"]]
    assert listed("open") == [second["id"]]
    assert sorted(listed("open,accepted")) == sorted([first["id"], second["id"]])
    assert listed("done") == []


@pytest.mark.parametrize("who", ["dispatcher_a", "resident_a", "admin"])
def test_only_provider_staff_have_a_task_list(client, auth, world, who):
    assert_problem(client.get(TASKS, headers=auth(getattr(world, who))), 403)


@pytest.mark.parametrize(
    "lead_accepted, action",
    [(False, "accept"), (False, "return"), (True, "resolve"), (True, "return")],
)
def test_the_co_unit_cannot_act_on_the_case_itself(
    new_case, coordinate, drive, act, world, lead_accepted, action
):
    case = coordinate(new_case())
    if lead_accepted:
        case = drive(case, world.provider_staff, "accept")
    response = act(world.other_provider_staff, case, action, note="完成", reason="不归我们")
    assert_problem(response, 403)
    settle()
    assert case_row(case).version == case["version"]


def test_the_co_unit_accepts_then_completes_its_task(new_case, coordinate, task_action, world):
    case = coordinate(new_case())
    task_id = case["co_tasks"][0]["id"]

    accepted = task_action(task_id, "accept", note="明天上门")
    done = task_action(task_id, "complete", note="已清理")

    assert (accepted.status_code, accepted.get_json()["state"]) == (200, "accepted")
    assert (done.status_code, done.get_json()["state"]) == (200, "done")
    events = events_of(case, "co_task_accept", "co_task_complete")
    assert [(e.action, e.note, e.public) for e in events] == [
        ("co_task_accept", "明天上门", False),
        ("co_task_complete", "已清理", False),
    ]
    assert events[1].data == {
        "task_id": task_id,
        "provider_id": world.other_provider.id,
        "from": "accepted",
        "to": "done",
    }
    assert case_row(case).version == case["version"]  # the case itself has not moved


def test_an_open_task_may_be_completed_without_accepting_first(new_case, coordinate, task_action):
    case = coordinate(new_case())
    assert task_action(case["co_tasks"][0]["id"], "complete").get_json()["state"] == "done"


def test_a_co_unit_returns_its_task_with_a_reason_and_the_dispatchers_hear(
    new_case, coordinate, task_action, world
):
    case = coordinate(new_case())
    task_id = case["co_tasks"][0]["id"]

    refused = task_action(task_id, "return")
    assert_problem(refused, 422, "reason")
    returned = task_action(task_id, "return", reason="不在我们职责内")

    assert returned.get_json()["state"] == "returned"
    [note] = inbox_of(world.dispatcher_a, NotificationKind.RETURNED, case)
    assert (note.data["reason"], note.data["task_id"]) == ("不在我们职责内", task_id)


@pytest.mark.parametrize(
    "done_action, then", [("complete", "accept"), ("complete", "return"), ("return", "complete")]
)
def test_a_finished_task_takes_no_further_action(
    new_case, coordinate, task_action, done_action, then
):
    case = coordinate(new_case())
    task_id = case["co_tasks"][0]["id"]
    task_action(task_id, done_action, reason="理由")

    body = assert_problem(task_action(task_id, then, reason="理由"), 422)
    assert body["allowed_actions"] == []


def test_another_units_staff_cannot_touch_the_task(new_case, coordinate, task_action, world):
    case = coordinate(new_case())
    response = task_action(case["co_tasks"][0]["id"], "accept", user=world.provider_staff)
    assert_problem(response, 404)


@pytest.mark.parametrize("who", ["dispatcher_a", "admin", "resident_a"])
def test_only_provider_staff_act_on_tasks(new_case, coordinate, task_action, world, who):
    case = coordinate(new_case())
    assert_problem(task_action(case["co_tasks"][0]["id"], "accept", user=getattr(world, who)), 403)


def test_the_lead_cannot_resolve_while_a_co_task_is_open(new_case, coordinate, drive, act, world):
    case = drive(coordinate(new_case()), world.provider_staff, "accept")

    response = act(world.provider_staff, case, "resolve", note="已处理")

    body = assert_problem(response, 422)
    assert body["type"].endswith("/co-tasks-open")
    assert body["open_tasks"] == [case["co_tasks"][0]["id"]]
    assert case_row(case).state.value == "in_progress"


def test_the_lead_resolves_once_every_co_task_is_done(
    new_case, coordinate, drive, act, task_action, world, make_provider
):
    third = make_provider("第三协办单位", coverage=[world.street])
    case = coordinate(
        new_case(),
        co=[
            {"provider_id": world.other_provider.id, "due_at": later()},
            {"provider_id": third.id, "due_at": later(3)},
        ],
    )
    case = drive(case, world.provider_staff, "accept")
    task_action(case["co_tasks"][0]["id"], "complete")
    still_open = act(world.provider_staff, case, "resolve", note="已处理")
    assert assert_problem(still_open, 422)["open_tasks"] == [case["co_tasks"][1]["id"]]
    settle()

    third_staff = make_user("staff_third", Role.PROVIDER_STAFF, world.street, provider=third)
    response = task_action(case["co_tasks"][1]["id"], "complete", user=third_staff)
    assert response.status_code == 200, response.get_json()

    resolved = drive(case, world.provider_staff, "resolve", note="联合处理完毕")
    assert resolved["state"] == "resolved"
    assert [t["state"] for t in resolved["co_tasks"]] == ["done", "done"]


def test_a_returned_co_task_does_not_keep_the_case_from_being_resolved(
    new_case, coordinate, drive, task_action, world
):
    # The co-unit declined; nothing can reopen its task, so it must not block the lead for ever.
    case = drive(coordinate(new_case()), world.provider_staff, "accept")
    task_action(case["co_tasks"][0]["id"], "return", reason="不在我们职责内")

    assert drive(case, world.provider_staff, "resolve", note="已处理")["state"] == "resolved"


def test_a_case_without_co_tasks_resolves_as_before(assigned_case, drive, world):
    case = drive(assigned_case(), world.provider_staff, "accept")
    assert drive(case, world.provider_staff, "resolve", note="好了")["co_tasks"] == []
