"""Helpers for the case tests: put a case into a given state and level through the API."""

import pytest

from linli.orgs.models import OrgKind


def staff_of(world, provider):
    return world.provider_staff if provider.id == world.provider.id else world.other_provider_staff


@pytest.fixture
def events_of(client, auth, world):
    """events_of(case, as_=admin) → the case's timeline as that user sees it."""

    def get(case, as_=None):
        url = f"/api/v1/cases/{case['id']}/events"
        response = client.get(url, headers=auth(as_ or world.admin))
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"]

    return get


@pytest.fixture
def case_in_state(new_case, drive, world):
    """case_in_state(state, level=…, provider=…, **report fields) → a case there, as admin sees it.

    The case is reported by resident_a (or `reporter`) in grid A1 (or `org_id`), and
    climbs to `level` the way real cases do: resolved, then reopened one rung at a time.
    Routing steps are done by the admin, provider steps by the provider's staff. A
    `returned` case is an assigned one the provider has handed back (still holding it);
    a submitted or rejected case that climbed first went back through an accepted return.
    """

    def build(state, *, level=None, provider=None, **fields):
        provider = provider or world.provider
        staff = staff_of(world, provider)
        case = new_case(**fields)
        target = OrgKind(level or case["escalation_level"])
        if OrgKind(case["escalation_level"]).rank < target.rank:
            case = drive(case, world.admin, "assign", provider_id=provider.id)
        while OrgKind(case["escalation_level"]).rank < target.rank:
            case = drive(case, staff, "accept")
            case = drive(case, staff, "resolve", note="处理完毕")
            case = drive(case, world.admin, "reopen")
        assert case["escalation_level"] == target.value

        if state in ("submitted", "rejected") and case["state"] == "assigned":
            case = drive(case, staff, "return", reason="不归我们管")
            case = drive(case, world.admin, "accept_return")
        if state == "rejected":
            return drive(case, world.admin, "reject", reason="重复上报")
        if state == "submitted":
            return case
        if case["state"] == "submitted":
            case = drive(case, world.admin, "assign", provider_id=provider.id)
        if state == "returned":
            case = drive(case, staff, "return", reason="不归我们管")
            assert case["state"] == "returned"
            return case
        steps = [("accept", {}), ("resolve", {"note": "已上门服务"}), ("close", {})]
        order = ["assigned", "in_progress", "resolved", "closed"]
        for action, body in steps[: order.index(state)]:
            user = world.admin if action == "close" else staff
            case = drive(case, user, action, **body)
        assert case["state"] == state
        return case

    return build
