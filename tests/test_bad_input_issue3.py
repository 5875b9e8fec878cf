"""Bad input on every write endpoint of issue 3: a 4xx problem naming the field, never a 500,
nothing written (what the request committed is compared, as a real request's teardown
rolls back the rest).
"""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support import API, assert_problem, later, snapshot

BIG = "长" * 2001
UNKNOWN = 987_654
PAST = (datetime.now(UTC) - timedelta(hours=1)).isoformat()

# The co-unit in these tests is other_provider, which must fit community A's cases.
pytestmark = pytest.mark.usefixtures("other_provider_serves_a")


@pytest.fixture
def ctx(world, new_case, drive):
    """An assigned case, a coordinated case with one open co-task, an inactive provider."""
    from linli.routing.models import ProviderType
    from linli.routing.service import create_provider

    assigned = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    joint = drive(
        new_case(),
        world.dispatcher_a,
        "coordinate",
        lead_provider_id=world.provider.id,
        co_providers=[{"provider_id": world.other_provider.id, "due_at": later()}],
    )
    inactive = create_provider(
        name="停用单位",
        type=ProviderType.ENTERPRISE,
        categories=[],
        coverage=[world.street],
        active=False,
    )
    from linli.extensions import db

    db.session.commit()
    return {
        "case": assigned,
        "task": joint["co_tasks"][0]["id"],
        "inactive": inactive.id,
        "world": world,
    }


def refused(response, status, field=None):
    """The request was refused as a problem (no 500) and left nothing behind."""
    assert response.status_code != 500, response.get_data(as_text=True)
    return assert_problem(response, status, field)


# --- coordinate ------------------------------------------------------------------------------------


def co(provider_id, due_at=None, **extra):
    return {"provider_id": provider_id, "due_at": due_at or later(), **extra}


COORDINATE_BAD = {
    "no version": (
        lambda c, w: {"lead_provider_id": w.provider.id, "co_providers": [co(w.other_provider.id)]},
        "version",
    ),
    "no lead": (lambda c, w: {"co_providers": [co(w.other_provider.id)]}, "lead_provider_id"),
    "unknown lead": (lambda c, w: {"lead_provider_id": UNKNOWN}, "lead_provider_id"),
    "lead as text": (lambda c, w: {"lead_provider_id": str(w.provider.id)}, "lead_provider_id"),
    "lead id too big": (lambda c, w: {"lead_provider_id": 2**31}, "lead_provider_id"),
    "inactive lead": (lambda c, w: {"lead_provider_id": c["inactive"]}, "lead_provider_id"),
    "empty co list": (
        lambda c, w: {"lead_provider_id": w.provider.id, "co_providers": []},
        "co_providers",
    ),
    "too many co": (
        lambda c, w: {
            "lead_provider_id": w.provider.id,
            "co_providers": [co(w.other_provider.id)] * 21,
        },
        "co_providers",
    ),
    "co not a list": (
        lambda c, w: {"lead_provider_id": w.provider.id, "co_providers": {"provider_id": 1}},
        "co_providers",
    ),
    "co without due_at": (
        lambda c, w: {
            "lead_provider_id": w.provider.id,
            "co_providers": [{"provider_id": w.other_provider.id}],
        },
        "co_providers",
    ),
    "co due_at without zone": (
        lambda c, w: {
            "lead_provider_id": w.provider.id,
            "co_providers": [co(w.other_provider.id, "2030-01-01T08:00:00")],
        },
        "co_providers",
    ),
    "co due_at garbage": (
        lambda c, w: {
            "lead_provider_id": w.provider.id,
            "co_providers": [co(w.other_provider.id, "next week")],
        },
        "co_providers",
    ),
    "co due_at in the past": (
        lambda c, w: {
            "lead_provider_id": w.provider.id,
            "co_providers": [co(w.other_provider.id, PAST)],
        },
        "co_providers",
    ),
    "unknown co": (
        lambda c, w: {"lead_provider_id": w.provider.id, "co_providers": [co(UNKNOWN)]},
        "co_providers",
    ),
    "inactive co": (
        lambda c, w: {"lead_provider_id": w.provider.id, "co_providers": [co(c["inactive"])]},
        "co_providers",
    ),
    "lead as co": (
        lambda c, w: {"lead_provider_id": w.provider.id, "co_providers": [co(w.provider.id)]},
        "co_providers",
    ),
    "co twice": (
        lambda c, w: {
            "lead_provider_id": w.provider.id,
            "co_providers": [co(w.other_provider.id), co(w.other_provider.id)],
        },
        "co_providers",
    ),
    "co note too long": (
        lambda c, w: {
            "lead_provider_id": w.provider.id,
            "co_providers": [co(w.other_provider.id, note=BIG)],
        },
        "co_providers",
    ),
    "unknown field": (lambda c, w: {"lead_provider_id": w.provider.id, "leader": 1}, "leader"),
}


@pytest.mark.parametrize("name", COORDINATE_BAD)
def test_a_bad_coordinate_body_is_a_422_and_writes_nothing(client, auth, ctx, name):
    make_body, field = COORDINATE_BAD[name]
    world, case = ctx["world"], ctx["case"]
    body = {"version": case["version"], **make_body(ctx, world)}
    if name == "no version":
        body.pop("version")
    before = snapshot()

    response = client.post(
        f"{API}/cases/{case['id']}/actions/coordinate", json=body, headers=auth(world.dispatcher_a)
    )

    refused(response, 422, field)
    assert snapshot() == before


# --- task actions ----------------------------------------------------------------------------------

TASK_BAD = {
    "return without reason": ("return", {}, 422, "reason"),
    "return with a blank reason": ("return", {"reason": "   "}, 422, "reason"),
    "reason too long": ("return", {"reason": BIG}, 422, "reason"),
    "note too long": ("complete", {"note": BIG}, 422, "note"),
    "note not text": ("accept", {"note": 5}, 422, "note"),
    "unknown field": ("accept", {"comment": "x"}, 422, "comment"),
    "unknown action": ("finish", {}, 404, None),
}


@pytest.mark.parametrize("name", TASK_BAD)
def test_a_bad_task_action_is_refused_and_writes_nothing(client, auth, ctx, name):
    action, body, status, field = TASK_BAD[name]
    before = snapshot()
    response = client.post(
        f"{API}/tasks/{ctx['task']}/actions/{action}",
        json=body,
        headers=auth(ctx["world"].other_provider_staff),
    )
    refused(response, status, field)
    assert snapshot() == before


@pytest.mark.parametrize("task_id", [str(UNKNOWN), str(2**31), "9" * 30])
def test_an_unknown_or_huge_task_id_is_a_404(client, auth, ctx, task_id):
    before = snapshot()
    response = client.post(
        f"{API}/tasks/{task_id}/actions/accept",
        json={},
        headers=auth(ctx["world"].other_provider_staff),
    )
    refused(response, 404)
    assert snapshot() == before


@pytest.mark.parametrize("body", ["[]", '"accept"', "{"])
def test_a_task_action_body_that_is_not_an_object_is_refused(client, auth, ctx, body):
    before = snapshot()
    response = client.post(
        f"{API}/tasks/{ctx['task']}/actions/accept",
        data=body,
        content_type="application/json",
        headers=auth(ctx["world"].other_provider_staff),
    )
    refused(response, 400 if body == "{" else 422)
    assert snapshot() == before


def test_a_bad_task_state_filter_is_a_422(client, auth, ctx):
    response = client.get(
        f"{API}/tasks?state=finished", headers=auth(ctx["world"].other_provider_staff)
    )
    refused(response, 422, "state")


# --- providers -------------------------------------------------------------------------------------


def provider_body(w):
    return {
        "name": "新单位",
        "type": "enterprise",
        "categories": ["health"],
        "coverage": [w.street.id],
        "capacity": 5,
        "contact": "",
        "active": True,
    }


PROVIDER_BAD = {
    "name": ["", "   ", "名" * 121, 5, None],
    "type": ["company", "", 1, None],
    "categories": [[], "health", ["pet_care"], [""], ["x" * 41], [5], ["health"] * 51],
    "coverage": [[], 5, [0], [-1], ["1"], [2**31], [UNKNOWN], [1.5]],
    "capacity": [0, 100001, -3, "5", 1.5, True, None],
    "contact": ["电" * 121, 5],
    "active": ["yes", 1, None],
}
PROVIDER_CASES = [(f, v) for f, values in PROVIDER_BAD.items() for v in values]


@pytest.mark.parametrize(
    "field, value", PROVIDER_CASES, ids=[f"{f}={v!r}"[:40] for f, v in PROVIDER_CASES]
)
def test_a_bad_provider_field_is_a_422_and_registers_nothing(client, auth, ctx, field, value):
    world = ctx["world"]
    before = snapshot()
    response = client.post(
        f"{API}/providers", json={**provider_body(world), field: value}, headers=auth(world.admin)
    )
    refused(response, 422, field)
    assert snapshot() == before


@pytest.mark.parametrize(
    "field, value", PROVIDER_CASES, ids=[f"{f}={v!r}"[:40] for f, v in PROVIDER_CASES]
)
def test_a_bad_provider_patch_is_a_422_and_changes_nothing(client, auth, ctx, field, value):
    world = ctx["world"]
    before = snapshot()
    response = client.patch(
        f"{API}/providers/{world.provider.id}", json={field: value}, headers=auth(world.admin)
    )
    refused(response, 422, field)
    assert snapshot() == before


@pytest.mark.parametrize("method", ["post", "patch"])
@pytest.mark.parametrize("body", ["[]", '"x"', "{"])
def test_a_provider_body_that_is_not_an_object_is_refused(client, auth, ctx, method, body):
    world = ctx["world"]
    url = f"{API}/providers" + (f"/{world.provider.id}" if method == "patch" else "")
    before = snapshot()
    response = getattr(client, method)(
        url, data=body, content_type="application/json", headers=auth(world.admin)
    )
    refused(response, 400 if body == "{" else 422)
    assert snapshot() == before


def test_a_provider_without_its_required_fields_is_a_422_naming_each(client, auth, ctx):
    response = client.post(f"{API}/providers", json={}, headers=auth(ctx["world"].admin))
    body = refused(response, 422)
    assert set(body["errors"]) == {"name", "type", "categories", "coverage"}


# --- SLA policies ----------------------------------------------------------------------------------


def sla_body():
    return {
        "category": "health",
        "priority": "normal",
        "accept_within_minutes": 60,
        "resolve_within_minutes": 600,
    }


SLA_BAD = {
    "category": ["pet_care", "", 5, "x" * 41],
    "priority": ["high", "", None, 1],
    "accept_within_minutes": [0, -5, 366 * 24 * 60 + 1, "60", 1.5, None, True, 2**63],
    "resolve_within_minutes": [0, -1, 366 * 24 * 60 + 1, "600", 2.5, None],
}
SLA_CASES = [(f, v) for f, values in SLA_BAD.items() for v in values]


@pytest.mark.parametrize("field, value", SLA_CASES, ids=[f"{f}={v!r}"[:40] for f, v in SLA_CASES])
def test_a_bad_sla_policy_is_a_422_and_writes_nothing(client, auth, ctx, field, value):
    from linli.escalation.models import SlaPolicy
    from tests.support import count

    response = client.put(
        f"{API}/sla-policies", json={**sla_body(), field: value}, headers=auth(ctx["world"].admin)
    )
    refused(response, 422, field)
    assert count(SlaPolicy) == 0


@pytest.mark.parametrize("missing", ["priority", "accept_within_minutes", "resolve_within_minutes"])
def test_an_sla_policy_without_a_required_field_is_a_422(client, auth, ctx, missing):
    body = {k: v for k, v in sla_body().items() if k != missing}
    refused(
        client.put(f"{API}/sla-policies", json=body, headers=auth(ctx["world"].admin)), 422, missing
    )


def test_an_sla_policy_accepting_slower_than_resolving_is_a_422(client, auth, ctx):
    body = {**sla_body(), "accept_within_minutes": 601}
    refused(
        client.put(f"{API}/sla-policies", json=body, headers=auth(ctx["world"].admin)),
        422,
        "accept_within_minutes",
    )


# --- notifications --------------------------------------------------------------------------------


@pytest.mark.parametrize("notification_id", [str(UNKNOWN), str(2**31), str(2**64), "9" * 50])
def test_reading_a_notification_with_a_huge_id_is_a_404(client, auth, ctx, notification_id):
    before = snapshot()
    response = client.post(
        f"{API}/notifications/{notification_id}/read", headers=auth(ctx["world"].resident_a)
    )
    refused(response, 404)
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/1/read", "/read-all"])
def test_a_notification_write_with_a_garbage_body_is_refused(client, auth, ctx, path):
    before = snapshot()
    response = client.post(
        f"{API}/notifications{path}",
        data="{",
        content_type="application/json",
        headers=auth(ctx["world"].resident_a),
    )
    refused(response, 400)
    assert snapshot() == before
