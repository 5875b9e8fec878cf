"""The OpenAPI document types what the PWA generates its client from, and the API keeps to it.

Each documented type is checked against the code it comes from (the lifecycle table, the
task table, the routing rule) and against what the API actually sends.
"""

import json
import re

import pytest

from linli.cases.lifecycle import Action
from linli.extensions import db
from linli.notifications.models import NotificationKind
from linli.routing.models import Provider
from linli.routing.tasks import TASK_TRANSITIONS
from tests.support import API, CASES, PROBLEM, assert_problem, later, settle, snapshot

SCHEMA = "#/components/schemas/"


@pytest.fixture
def spec(client):
    return client.get(f"{API}/openapi.json").get_json()


def schema(spec, name):
    return spec["components"]["schemas"][name]


def path_parameter(spec, path, name):
    item = spec["paths"][path]
    return next(
        p
        for p in item.get("parameters", []) + item["post"].get("parameters", [])
        if p["in"] == "path" and p["name"] == name
    )


def test_allowed_actions_are_documented_as_the_lifecycle_actions(spec):
    items = schema(spec, "CaseOut")["properties"]["allowed_actions"]["items"]

    assert items["enum"] == [a.value for a in Action]


@pytest.mark.parametrize(
    ("path", "actions"),
    [
        ("/api/v1/cases/{case_id}/actions/{action}", [a.value for a in Action]),
        ("/api/v1/tasks/{task_id}/actions/{action}", list(TASK_TRANSITIONS)),
    ],
)
def test_the_action_path_segment_is_documented_as_an_enum(spec, path, actions):
    parameter = path_parameter(spec, path, "action")

    assert parameter["required"] is True
    assert parameter["schema"] == {"type": "string", "enum": actions}
    # Documented once: the manual doc replaced the one derived from the URL rule.
    assert [p["name"] for p in spec["paths"][path]["parameters"]].count("action") == 1


def test_an_unknown_case_action_is_still_a_404_problem(client, auth, world, new_case, fetch):
    case = new_case()

    response = client.post(
        f"{CASES}/{case['id']}/actions/teleport",
        json={"version": 1},
        headers=auth(world.dispatcher_a),
    )

    body = assert_problem(response, 404)
    assert body["allowed"] == [a.value for a in Action]
    assert fetch(case)["version"] == case["version"]


@pytest.mark.usefixtures("other_provider_serves_a")
def test_an_unknown_task_action_is_still_a_404_problem(client, auth, world, co_task):
    task = co_task()

    response = client.post(
        f"{API}/tasks/{task['id']}/actions/teleport",
        json={},
        headers=auth(world.other_provider_staff),
    )

    body = assert_problem(response, 404)
    assert body["allowed"] == list(TASK_TRANSITIONS)


def test_routing_candidates_are_typed_with_the_keys_the_rule_sends(
    spec, client, auth, world, new_case
):
    documented = schema(spec, "CandidateOut")
    items = schema(spec, "RoutingOut")["properties"]["candidates"]["items"]
    case = new_case()

    advice = client.get(
        f"{CASES}/{case['id']}/routing", headers=auth(world.dispatcher_a)
    ).get_json()

    assert items == {"$ref": SCHEMA + "CandidateOut"}
    assert (
        set(documented["required"])
        == set(documented["properties"])
        == {"provider_id", "name", "coverage_depth", "open_cases", "capacity", "load"}
    )
    assert advice["candidates"]
    for candidate in advice["candidates"]:
        assert set(candidate) == set(documented["properties"])


def test_no_nullable_object_is_documented_as_an_empty_object_alternative(spec):
    text = json.dumps(spec)

    assert "anyOf" not in text
    assert re.search(r'\{"type": "object", "nullable": true\}', text) is None


@pytest.mark.parametrize(
    ("schema_name", "field", "target"),
    [
        ("CaseOut", "reporter", "ReporterOut"),
        ("CaseOut", "rating", "RatingOut"),
        ("EventOut", "actor", "ActorOut"),
    ],
)
def test_a_nullable_nested_object_is_its_schema_or_null(spec, schema_name, field, target):
    assert schema(spec, schema_name)["properties"][field] == {
        "allOf": [{"$ref": SCHEMA + target}],
        "nullable": True,
    }


def test_nullable_nested_objects_are_sent_as_before(client, auth, world, new_case, fetch):
    case = new_case()

    as_reviewer = fetch(case, as_=world.reviewer_a)
    as_reporter = fetch(case, as_=world.resident_a)
    events = client.get(f"{CASES}/{case['id']}/events", headers=auth(world.admin)).get_json()

    assert as_reviewer["reporter"] is None and as_reviewer["rating"] is None
    resident = world.resident_a
    assert as_reporter["reporter"] == {
        "id": resident.id,
        "display_name": resident.display_name,
        "phone": resident.phone,
    }
    system_route = next(e for e in events["items"] if e["action"] == "route")
    assert system_route["actor"] is None


# --- co-tasks ---------------------------------------------------------------------------


@pytest.fixture
def co_task(client, auth, world, assigned_case, drive):
    """co_task() → other_provider's task on a case world.provider leads (as its staff sees it)."""

    def build():
        case = assigned_case()
        drive(
            case,
            world.dispatcher_a,
            "coordinate",
            lead_provider_id=world.provider.id,
            co_providers=[{"provider_id": world.other_provider.id, "due_at": later()}],
        )
        tasks = client.get(f"{API}/tasks", headers=auth(world.other_provider_staff)).get_json()[
            "items"
        ]
        (task,) = [t for t in tasks if t["case_id"] == case["id"]]
        return task

    return build


def test_co_task_out_documents_the_case_reference_title_and_task_actions(spec):
    task = schema(spec, "CoTaskOut")

    assert {"reference", "title", "allowed_actions"} <= set(task["required"])
    assert task["properties"]["allowed_actions"]["items"]["enum"] == list(TASK_TRANSITIONS)


@pytest.mark.usefixtures("other_provider_serves_a")
def test_the_task_list_carries_the_cases_reference_and_title(co_task, fetch):
    task = co_task()

    case = fetch({"id": task["case_id"]})
    assert (task["reference"], task["title"]) == (case["reference"], case["title"])


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([], ["accept", "complete", "return"]),
        (["accept"], ["complete", "return"]),
        (["complete"], []),
        (["return"], []),
    ],
)
@pytest.mark.usefixtures("other_provider_serves_a")
def test_a_co_units_staff_see_the_task_actions_its_state_allows(
    steps, expected, client, auth, world, co_task
):
    task = co_task()
    for step in steps:
        response = client.post(
            f"{API}/tasks/{task['id']}/actions/{step}",
            json={"reason": "不归我们"},
            headers=auth(world.other_provider_staff),
        )
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["allowed_actions"] == expected

    tasks = client.get(f"{API}/tasks", headers=auth(world.other_provider_staff)).get_json()["items"]

    assert [t["allowed_actions"] for t in tasks if t["id"] == task["id"]] == [expected]


@pytest.mark.usefixtures("other_provider_serves_a")
@pytest.mark.parametrize("who", ["provider_staff", "dispatcher_a", "admin"])
def test_no_one_but_the_co_units_staff_is_offered_task_actions(who, world, co_task, fetch):
    task = co_task()

    case = fetch({"id": task["case_id"]}, as_=getattr(world, who))

    assert [t["allowed_actions"] for t in case["co_tasks"]] == [[]]


@pytest.mark.usefixtures("other_provider_serves_a")
def test_the_co_unit_sees_its_task_actions_in_the_case_too(world, co_task, fetch):
    task = co_task()

    case = fetch({"id": task["case_id"]}, as_=world.other_provider_staff)

    assert [t["allowed_actions"] for t in case["co_tasks"]] == [["accept", "complete", "return"]]


@pytest.mark.usefixtures("other_provider_serves_a")
def test_no_task_actions_are_offered_once_the_case_is_over(client, auth, world, new_case, drive):
    # The lead returns a joint case, the dispatcher accepts that and rejects the need: the
    # co-unit's task is still open, but there is nothing left to do on it.
    case = drive(
        new_case(),
        world.dispatcher_a,
        "coordinate",
        lead_provider_id=world.provider.id,
        co_providers=[{"provider_id": world.other_provider.id, "due_at": later()}],
    )
    case = drive(case, world.provider_staff, "return", reason="不属于本单位")
    case = drive(case, world.dispatcher_a, "accept_return")
    drive(case, world.dispatcher_a, "reject", reason="已由12345处理")

    tasks = client.get(f"{API}/tasks", headers=auth(world.other_provider_staff)).get_json()["items"]

    assert [(t["state"], t["allowed_actions"]) for t in tasks] == [("open", [])]


# --- the stale-version body, notification data, provider PATCH -------------------------


def test_the_stale_version_409_documents_the_current_case(spec):
    operation = spec["paths"]["/api/v1/cases/{case_id}/actions/{action}"]["post"]
    body = operation["responses"]["409"]["content"][PROBLEM]["schema"]
    conflict = schema(spec, "VersionConflictProblem")

    assert body == {"$ref": SCHEMA + "VersionConflictProblem"}
    assert conflict["properties"]["case"] == {"$ref": SCHEMA + "CaseOut"}
    assert {"type", "title", "status", "detail", "case"} <= set(conflict["required"])


def test_a_stale_version_gets_the_documented_body(spec, world, new_case, act):
    case = new_case()
    act(world.dispatcher_a, case, "assign", provider_id=world.provider.id)

    response = act(world.dispatcher_a, case, "reject", reason="重复")

    body = assert_problem(response, 409)
    assert set(schema(spec, "VersionConflictProblem")["required"]) <= set(body)
    assert set(body["case"]) == set(schema(spec, "CaseOut")["properties"])


def test_notification_data_documents_its_optional_keys(spec):
    data = schema(spec, "NotificationDataOut")

    assert schema(spec, "NotificationOut")["properties"]["data"] == {
        "$ref": SCHEMA + "NotificationDataOut"
    }
    assert set(data["properties"]) == {
        "reference",
        "title",
        "level",
        "reason",
        "note",
        "due_at",
        "task_id",
    }
    assert "required" not in data
    assert schema(spec, "NotificationOut")["properties"]["kind"]["enum"] == [
        k.value for k in NotificationKind
    ]


def test_notification_data_is_sent_with_only_the_keys_the_kind_has(
    client, auth, world, assigned_case
):
    case = assigned_case()

    inbox = client.get(f"{API}/notifications", headers=auth(world.provider_staff)).get_json()

    (item,) = [n for n in inbox["items"] if n["case_id"] == case["id"]]
    assert item["kind"] == "assigned"
    assert item["data"] == {"reference": case["reference"], "title": case["title"], "note": ""}


def test_provider_patch_advertises_no_defaults(spec):
    patch = schema(spec, "ProviderPatch")

    assert "required" not in patch
    assert all("default" not in field for field in patch["properties"].values())
    assert schema(spec, "ProviderIn")["properties"]["capacity"]["default"] == 50


def test_an_empty_provider_patch_is_refused_and_changes_nothing(client, auth, world):
    before = snapshot()

    response = client.patch(
        f"{API}/providers/{world.provider.id}", json={}, headers=auth(world.admin)
    )

    body = assert_problem(response, 422, "_schema")
    assert body["errors"]["_schema"] == ["nothing to change"]
    assert snapshot() == before


def test_a_partial_provider_patch_leaves_the_other_fields_alone(client, auth, world):
    provider = world.provider
    provider.capacity, provider.active = 9, False
    db.session.commit()

    response = client.patch(
        f"{API}/providers/{provider.id}", json={"contact": "010-1234"}, headers=auth(world.admin)
    )

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["capacity"], body["active"], body["contact"]) == (9, False, "010-1234")
    settle()
    stored = db.session.get(Provider, provider.id)
    assert (stored.capacity, stored.active, stored.contact) == (9, False, "010-1234")
