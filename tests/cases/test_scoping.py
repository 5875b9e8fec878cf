"""Who sees which case, what of it, and what they may do: scope, reporter details, the
internal part of the timeline, allowed_actions, list filters and the list cursor."""

import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from linli.accounts.models import Role
from linli.cases.lifecycle import Action
from linli.cases.models import CaseState
from linli.orgs.models import OrgKind
from linli.orgs.service import create_org
from tests.cases.test_lifecycle import EXPECTED_TABLE, body_for
from tests.factories import make_user
from tests.support import PROBLEM


@pytest.fixture
def listed(client, auth):
    """listed(user, **query) → ids of every case the user's list shows (all pages)."""

    def ids(user, **query):
        found, cursor = [], None
        while True:
            params = {**query, "limit": 200, **({"cursor": cursor} if cursor else {})}
            response = client.get("/api/v1/cases", query_string=params, headers=auth(user))
            assert response.status_code == 200, response.get_json()
            page = response.get_json()
            found += [c["id"] for c in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                return found

    return ids


def assert_hidden(client, auth, user, case, act):
    for path in ("", "/events"):
        response = client.get(f"/api/v1/cases/{case['id']}{path}", headers=auth(user))
        assert response.status_code == 404, (path, response.get_json())
        assert response.content_type == PROBLEM
    acted = act(user, case, "close")
    assert acted.status_code == 404
    assert acted.content_type == PROBLEM


# --- who sees which case --------------------------------------------------------------


def test_resident_cannot_see_another_residents_case(
    world, new_case, client, auth, act, listed, fetch
):
    theirs = new_case()
    mine = new_case(reporter=world.resident_a2)

    assert_hidden(client, auth, world.resident_a2, theirs, act)
    assert listed(world.resident_a2) == [mine["id"]]
    assert fetch(theirs)["version"] == theirs["version"]


def test_resident_sees_a_case_a_grid_worker_reported_on_their_behalf(
    world, new_case, fetch, listed
):
    case = new_case(
        reporter=world.grid_worker_a1, on_behalf_of={"resident_id": world.resident_a2.id}
    )

    seen = fetch(case, as_=world.resident_a2)

    assert seen["reporter"]["id"] == world.resident_a2.id
    assert listed(world.resident_a2) == [case["id"]]
    assert listed(world.resident_a) == []


def test_grid_worker_sees_only_cases_in_own_grid(world, new_case, client, auth, act, listed):
    in_a1 = new_case()
    in_a2 = new_case(org_id=world.grid_a2.id)
    in_b1 = new_case(reporter=world.resident_b, org_id=world.grid_b1.id)

    assert_hidden(client, auth, world.grid_worker_a1, in_b1, act)
    assert_hidden(client, auth, world.grid_worker_a1, in_a2, act)
    assert listed(world.grid_worker_a1) == [in_a1["id"]]
    assert listed(world.grid_worker_b1) == [in_b1["id"]]


def test_dispatcher_sees_own_community_subtree_only(world, new_case, client, auth, act, listed):
    in_a1 = new_case()
    in_a2 = new_case(org_id=world.grid_a2.id)
    in_community_a = new_case(org_id=world.community_a.id)
    in_b1 = new_case(reporter=world.resident_b, org_id=world.grid_b1.id)

    assert_hidden(client, auth, world.dispatcher_a, in_b1, act)
    assert_hidden(client, auth, world.dispatcher_b, in_a1, act)
    assert set(listed(world.dispatcher_a)) == {in_a1["id"], in_a2["id"], in_community_a["id"]}
    assert listed(world.dispatcher_b) == [in_b1["id"]]


def test_party_reviewer_sees_own_community_only(world, new_case, client, auth, act, listed):
    in_a1 = new_case()
    in_b1 = new_case(reporter=world.resident_b, org_id=world.grid_b1.id)

    assert_hidden(client, auth, world.reviewer_a, in_b1, act)
    assert listed(world.reviewer_a) == [in_a1["id"]]


def test_provider_staff_see_only_cases_their_provider_holds_and_lose_them_on_accepted_return(
    world, case_in_state, new_case, client, auth, act, drive, listed, fetch
):
    unassigned = new_case()
    held = case_in_state("assigned")
    elsewhere = case_in_state(
        "assigned",
        provider=world.other_provider,
        reporter=world.resident_b,
        org_id=world.grid_b1.id,
    )

    assert_hidden(client, auth, world.provider_staff, unassigned, act)
    assert_hidden(client, auth, world.provider_staff, elsewhere, act)
    assert_hidden(client, auth, world.other_provider_staff, held, act)
    assert fetch(held, as_=world.provider_staff)["id"] == held["id"]
    assert listed(world.provider_staff) == [held["id"]]
    assert listed(world.other_provider_staff) == [elsewhere["id"]]

    returned = drive(held, world.provider_staff, "return", reason="不归我们管")

    # Handing it back is a request: the provider holds the case until a dispatcher agrees.
    assert fetch(held, as_=world.provider_staff)["state"] == "returned"
    assert listed(world.provider_staff) == [held["id"]]
    assert listed(world.provider_staff, mine="true") == [held["id"]]

    drive(returned, world.dispatcher_a, "accept_return")

    assert_hidden(client, auth, world.provider_staff, fetch(held), act)
    assert listed(world.provider_staff) == []
    assert listed(world.other_provider_staff) == [elsewhere["id"]]


def test_officers_see_a_case_only_once_it_has_climbed_to_their_level(
    world, case_in_state, drive, client, auth, act, listed, fetch
):
    case = case_in_state("assigned")
    seen_by = {}
    for level in ("grid", "community", "street", "district"):
        case = fetch(case)
        assert case["escalation_level"] == level
        seen_by[level] = {
            officer.username: client.get(
                f"/api/v1/cases/{case['id']}", headers=auth(officer)
            ).status_code
            for officer in (world.officer_street, world.officer_district)
        }
        listed_by = {
            o.username: listed(o) == [case["id"]]
            for o in (world.officer_street, world.officer_district)
        }
        assert listed_by == {k: v == 200 for k, v in seen_by[level].items()}, level
        if level != "district":
            drive(case, world.provider_staff, "accept")
            resolved = drive(fetch(case), world.provider_staff, "resolve", note="已处理")
            drive(resolved, world.dispatcher_a, "reopen")

    assert seen_by == {
        "grid": {"officer_s": 404, "officer_d": 404},
        "community": {"officer_s": 404, "officer_d": 404},
        "street": {"officer_s": 200, "officer_d": 404},
        "district": {"officer_s": 200, "officer_d": 200},
    }


def test_an_officer_does_not_see_an_escalated_case_outside_their_subtree(
    world, case_in_state, client, auth
):
    case = case_in_state("assigned", level="street")
    outsider = _officer_of_another_street(world)

    response = client.get(f"/api/v1/cases/{case['id']}", headers=auth(outsider))

    assert response.status_code == 404


def _officer_of_another_street(world):
    street = create_org(kind=OrgKind.STREET, code="t-s2", name="另一街道", parent=world.district)
    return make_user("officer_s2", Role.OFFICER, street)


def test_admin_sees_every_case(world, new_case, listed):
    cases = [
        new_case(),
        new_case(org_id=world.grid_a2.id),
        new_case(reporter=world.resident_b, org_id=world.grid_b1.id),
    ]

    assert set(listed(world.admin)) == {c["id"] for c in cases}


# --- what of a case they see ------------------------------------------------------------

HANDLERS = [
    "resident_a",
    "grid_worker_a1",
    "dispatcher_a",
    "provider_staff",
    "officer_street",
    "admin",
]


@pytest.mark.parametrize("who", HANDLERS)
def test_reporter_details_are_visible_to_the_reporter_and_the_handlers(
    who, world, case_in_state, fetch
):
    case = case_in_state("assigned", level="street")

    reporter = fetch(case, as_=getattr(world, who))["reporter"]

    assert reporter == {
        "id": world.resident_a.id,
        "display_name": world.resident_a.display_name,
        "phone": world.resident_a.phone,
    }


def test_reporter_details_are_hidden_from_the_party_reviewer(
    world, case_in_state, fetch, client, auth
):
    case = case_in_state("assigned")

    assert fetch(case, as_=world.reviewer_a)["reporter"] is None
    listed = client.get("/api/v1/cases", headers=auth(world.reviewer_a)).get_json()["items"]
    assert [("reporter" in c) for c in listed] == [False]


def test_reporter_details_are_hidden_from_a_resident_who_only_supported_the_case(
    world, new_case, client, auth, fetch
):
    case = new_case()
    supported = client.post(f"/api/v1/cases/{case['id']}/support", headers=auth(world.resident_a2))
    assert supported.get_json() == {"supporters": 1}

    seen = fetch(case, as_=world.resident_a2)

    assert seen["reporter"] is None
    assert seen["supporters"] == 1
    assert seen["allowed_actions"] == []


def test_residents_see_only_the_public_events(world, case_in_state, drive, fetch, events_of):
    case = case_in_state("assigned")
    returned = drive(case, world.provider_staff, "return", reason="人手不足")

    for_staff = events_of(case)
    for_resident = events_of(case, as_=world.resident_a)

    assert [(e["action"], e["public"]) for e in for_staff] == [
        ("submit", True),
        ("route", False),
        ("assign", True),
        ("return", False),
    ]
    assert [e["action"] for e in for_resident] == ["submit", "assign"]
    assert all(e["public"] for e in for_resident)
    assert "人手不足" not in str(for_resident)

    drive(returned, world.dispatcher_a, "accept_return")

    assert [(e["action"], e["public"]) for e in events_of(case)[len(for_staff) :]] == [
        ("accept_return", False),
        ("route", False),
    ]
    assert [e["action"] for e in events_of(case, as_=world.resident_a)] == ["submit", "assign"]


def test_a_refused_return_stays_out_of_the_residents_timeline(
    world, case_in_state, drive, events_of
):
    case = case_in_state("returned")

    drive(case, world.dispatcher_a, "refuse_return", reason="请继续处理")

    assert [e["action"] for e in events_of(case)][-2:] == ["return", "refuse_return"]
    for_resident = events_of(case, as_=world.resident_a)
    assert [e["action"] for e in for_resident] == ["submit", "assign"]
    assert "请继续处理" not in str(for_resident)


# --- allowed_actions is what the caller can actually do -----------------------------------

VIEWERS = [
    Role.RESIDENT,
    Role.GRID_WORKER,
    Role.PROVIDER_STAFF,
    Role.DISPATCHER,
    Role.OFFICER,
    Role.PARTY_REVIEWER,
    Role.ADMIN,
]
STATES = [s.value for s in CaseState]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", VIEWERS, ids=lambda r: r.value)
def test_allowed_actions_lists_exactly_what_the_caller_can_do(
    role, state, world, case_in_state, client, auth, act, fetch
):
    actor = world.user(role)
    level = "street" if role is Role.OFFICER else None
    case = case_in_state(state, level=level)
    shown = client.get(f"/api/v1/cases/{case['id']}", headers=auth(actor))
    if role is Role.PROVIDER_STAFF and state in ("submitted", "rejected"):
        assert shown.status_code == 404  # no provider holds the case
        return
    expected = {
        a
        for (s, a), (_, roles, _, _) in EXPECTED_TABLE.items()
        if s == state and role.value in roles
    }
    assert set(shown.get_json()["allowed_actions"]) == expected

    for action in (a.value for a in Action):
        if action in expected:
            fresh = case_in_state(state, level=level)
            done = act(actor, fresh, action, **body_for(world, action))
            assert done.status_code == 200, (action, done.get_json())
        else:
            refused = act(actor, case, action, **body_for(world, action))
            assert refused.status_code in (403, 422), (action, refused.get_json())
            assert refused.content_type == PROBLEM
    assert fetch(case)["version"] == case["version"]


# --- list filters and the cursor ---------------------------------------------------------


@pytest.fixture
def assorted(world, case_in_state, new_case):
    """Cases across states, categories, grids and levels, reported by residents A and B."""
    return {
        "submitted_a1": new_case(),
        "assigned_a2": case_in_state("assigned", org_id=world.grid_a2.id, category="health"),
        "resolved_a1": case_in_state("resolved", category="health"),
        "community_a": new_case(org_id=world.community_a.id, category="facility"),
        "b1": new_case(reporter=world.resident_b, org_id=world.grid_b1.id),
    }


def test_list_filters_by_state(world, assorted, listed):
    found = listed(world.admin, state="assigned,resolved")

    assert set(found) == {assorted["assigned_a2"]["id"], assorted["resolved_a1"]["id"]}


def test_list_filters_by_category(world, assorted, listed):
    assert set(listed(world.admin, category="health")) == {
        assorted["assigned_a2"]["id"],
        assorted["resolved_a1"]["id"],
    }
    assert listed(world.admin, category="facility") == [assorted["community_a"]["id"]]


def test_list_filters_by_org_subtree_within_scope(world, assorted, listed):
    assert listed(world.admin, org_id=world.grid_a2.id) == [assorted["assigned_a2"]["id"]]
    assert set(listed(world.admin, org_id=world.community_a.id)) == {
        assorted[k]["id"] for k in ("submitted_a1", "assigned_a2", "resolved_a1", "community_a")
    }
    # A filter never widens scope.
    assert listed(world.dispatcher_a, org_id=world.community_b.id) == []


def test_list_filters_by_escalation_level(world, assorted, listed):
    assert listed(world.admin, escalation_level="community") == [assorted["community_a"]["id"]]
    assert set(listed(world.admin, escalation_level="grid,community")) == {
        c["id"] for c in assorted.values()
    }


def test_mine_lists_what_i_reported_or_my_provider_holds(
    world, assorted, new_case, client, auth, listed
):
    on_behalf = new_case(
        reporter=world.grid_worker_a1, on_behalf_of={"name": "王阿姨", "phone": "13911112222"}
    )
    neighbours = new_case(reporter=world.resident_a2)
    client.post(f"/api/v1/cases/{neighbours['id']}/support", headers=auth(world.resident_a))

    assert listed(world.grid_worker_a1, mine="true") == [on_behalf["id"]]
    assert set(listed(world.provider_staff, mine="true")) == {
        assorted["assigned_a2"]["id"],
        assorted["resolved_a1"]["id"],
    }
    mine = set(listed(world.resident_a, mine="true"))
    assert neighbours["id"] not in mine  # only +1'd
    assert neighbours["id"] in listed(world.resident_a)


@pytest.mark.parametrize(
    "query",
    [
        {"state": "open"},
        {"escalation_level": "planet"},
        {"category": "nope"},
        {"org_id": "x"},
        {"org_id": 999_999},
        {"limit": 0},
        {"limit": 201},
        {"mine": "maybe"},
    ],
    ids=lambda q: "-".join(f"{k}={v}" for k, v in q.items()),
)
def test_a_bad_list_filter_is_refused_naming_it(query, world, client, auth):
    response = client.get("/api/v1/cases", query_string=query, headers=auth(world.admin))

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert set(response.get_json()["errors"]) == set(query)


def test_the_cursor_walks_every_visible_case_once_newest_first(world, new_case, client, auth):
    base = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    # Three reports share one instant, across a page boundary: the id breaks the tie.
    instants = (
        [base, base + timedelta(minutes=1), base + timedelta(minutes=2)]
        + [base + timedelta(minutes=3)] * 3
        + [base + timedelta(minutes=4)]
    )
    made = []
    for i, instant in enumerate(instants):
        with time_machine.travel(instant, tick=False):
            made.append(new_case(title=f"第{i}件"))
    with time_machine.travel(base + timedelta(minutes=5), tick=False):
        # Not in the dispatcher's scope:
        new_case(reporter=world.resident_b, org_id=world.grid_b1.id)
    expected = [
        c["id"]
        for c in sorted(made, key=lambda c: (c["created_at"], uuid.UUID(c["id"])), reverse=True)
    ]

    pages, cursor = [], None
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(
            "/api/v1/cases", query_string=query, headers=auth(world.dispatcher_a)
        ).get_json()
        pages.append([c["id"] for c in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == expected
    assert expected[0] == made[-1]["id"] and expected[-1] == made[0]["id"]


def test_a_full_last_page_has_no_next_cursor(world, new_case, client, auth):
    for _ in range(3):
        new_case()

    page = client.get("/api/v1/cases?limit=3", headers=auth(world.admin)).get_json()

    assert len(page["items"]) == 3
    assert page["next_cursor"] is None


def _b64(text):
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        _b64("hello"),
        _b64("not-a-date|" + str(uuid.uuid4())),
        _b64("2026-03-01T08:00:00+00:00|not-a-uuid"),
        _b64("2026-03-01T08:00:00|" + str(uuid.uuid4())),
        "x" * 201,
    ],
    ids=["not-base64", "no-separator", "bad-date", "bad-uuid", "naive-date", "too-long"],
)
def test_a_cursor_this_api_did_not_give_out_is_refused(cursor, world, new_case, client, auth):
    new_case()

    response = client.get(
        "/api/v1/cases", query_string={"cursor": cursor}, headers=auth(world.admin)
    )

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert "cursor" in response.get_json()["errors"]
