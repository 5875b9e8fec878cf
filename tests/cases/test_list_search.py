"""Staff queues searched by keyword, reference or address and sorted newest, oldest or by the
running deadline; server-side, within the caller's scope, keyset-paginated for each order."""

import uuid
from datetime import timedelta

import pytest

from linli.cases.models import Case
from linli.extensions import db
from tests.support import CASES, assert_problem, at, case_row


@pytest.fixture
def listed(client, auth):
    """listed(user, **query) → the ids of every page, fetched `limit` at a time."""

    def walk(user, **query):
        ids, cursor, pages = [], None, 0
        while True:
            params = {**query, **({"cursor": cursor} if cursor else {})}
            response = client.get(CASES, query_string=params, headers=auth(user))
            assert response.status_code == 200, response.get_json()
            body = response.get_json()
            ids += [c["id"] for c in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if not cursor:
                return ids

    return walk


@pytest.fixture
def reported_for(client, auth, world):
    """reported_for(**fields) → a case the grid worker files for resident A (no report limit)."""

    def post(**fields):
        body = {
            "category": "elderly_care",
            "title": "需要上门助浴",
            "description": "独居老人行动不便",
            "org_id": world.grid_a1.id,
            "on_behalf_of": {"resident_id": world.resident_a.id},
            **fields,
        }
        response = client.post(CASES, json=body, headers=auth(world.grid_worker_a1))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return post


def test_q_finds_cases_by_words_of_title_description_or_address_and_by_reference(
    world, reported_for, listed
):
    leak = reported_for(title="楼道漏水", description="三楼天花板滴水")
    lift = reported_for(title="电梯停运", description="经常停", address="桃园小区5号楼2单元")
    bath = reported_for()

    def found(q):
        return set(listed(world.dispatcher_a, q=q))

    assert found("漏水") == {leak["id"]}
    assert found("天花板") == {leak["id"]}
    assert found("5号楼") == {lift["id"]}
    assert found(bath["reference"].lower()) == {bath["id"]}
    assert found(bath["reference"][-6:]) == {bath["id"]}
    assert found("100%") == set()  # % and _ are matched as themselves
    assert found("   ") == {leak["id"], lift["id"], bath["id"]}


def test_q_stays_within_the_callers_scope(world, reported_for, listed, new_case):
    mine = reported_for(title="楼道漏水")
    elsewhere = new_case(reporter=world.resident_b, org_id=world.community_b.id, title="楼道漏水 B")
    assert listed(world.dispatcher_a, q="漏水") == [mine["id"]]
    assert listed(world.dispatcher_b, q="漏水") == [elsewhere["id"]]
    assert listed(world.provider_staff, q="漏水") == []  # not assigned to its unit


def test_a_neighbour_who_plus_oned_finds_by_title_but_not_by_the_households_words(
    client, auth, world, new_case, listed
):
    case = new_case(title="楼道漏水", description="王阿姨家三楼", address="5号楼2单元301")
    client.post(f"{CASES}/{case['id']}/support", headers=auth(world.resident_a2))
    assert listed(world.resident_a2, q="漏水") == [case["id"]]
    assert listed(world.resident_a2, q="王阿姨") == []
    assert listed(world.resident_a2, q="301") == []
    assert listed(world.resident_a, q="王阿姨") == [case["id"]]


def _spread(reported_for, n):
    """n cases with different creation times and deadlines, two of them tied on the deadline,
    one accepted (its resolving clock counts), one with no running clock (resolved)."""
    cases = [reported_for(title=f"诉求 {i}") for i in range(n)]
    base = at("2030-01-01T00:00:00Z")
    for i, case in enumerate(cases):
        row = case_row(case)
        row.created_at = base + timedelta(hours=i)
        row.accept_due_at = base + timedelta(days=10 - (i // 2))  # pairs tie
        row.resolve_due_at = base + timedelta(days=20)
    db.session.commit()
    return cases


def _expected_due(cases):
    def key(case):
        row = db.session.get(Case, uuid.UUID(case["id"]))
        if row.state.value in ("resolved", "closed", "rejected"):
            return (1, None, row.id)
        due = row.accept_due_at if row.accepted_at is None else row.resolve_due_at
        return (0, due, row.id)

    return [str(k[2]) for k in sorted(key(c) for c in cases)]


@pytest.mark.parametrize("limit", [1, 2, 3, 50])
def test_each_order_pages_through_every_case_once_in_order(
    world, reported_for, listed, drive, limit
):
    cases = _spread(reported_for, 7)
    accepted = drive(cases[6], world.dispatcher_a, "assign", provider_id=world.provider.id)
    accepted = drive(accepted, world.provider_staff, "accept")
    done = drive(cases[0], world.dispatcher_a, "assign", provider_id=world.provider.id)
    done = drive(
        drive(done, world.provider_staff, "accept"), world.provider_staff, "resolve", note="好"
    )
    ids = [c["id"] for c in cases]

    newest = listed(world.dispatcher_a, sort="newest", limit=limit)
    assert newest == ids[::-1]
    assert listed(world.dispatcher_a, limit=limit) == newest
    assert listed(world.dispatcher_a, sort="oldest", limit=limit) == ids
    due = listed(world.dispatcher_a, sort="due", limit=limit)
    assert due == _expected_due(cases)
    assert due[-1] == done["id"]  # no running clock: last
    assert due.index(accepted["id"]) == 5  # its resolving clock, 20 days out


def test_a_cursor_of_one_order_is_refused_in_another(client, auth, world, reported_for):
    _spread(reported_for, 3)
    headers = auth(world.dispatcher_a)
    first = client.get(CASES, query_string={"sort": "due", "limit": 1}, headers=headers)
    cursor = first.get_json()["next_cursor"]
    assert cursor
    again = client.get(
        CASES, query_string={"sort": "newest", "limit": 1, "cursor": cursor}, headers=headers
    )
    assert_problem(again, 422, "cursor")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"sort": "priority"}, "sort"),
        ({"q": "x" * 101}, "q"),
        ({"q": ""}, "q"),
        ({"q": "漏水\x00"}, "q"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_a_bad_search_or_sort_is_a_422_naming_the_field(client, auth, world, query, field):
    response = client.get(CASES, query_string=query, headers=auth(world.dispatcher_a))
    assert_problem(response, 422, field)
