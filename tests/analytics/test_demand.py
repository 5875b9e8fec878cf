"""GET /analytics/demand: figures recomputed from the cases each test makes."""

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from linli.accounts.models import Role
from linli.analytics.service import start_of_day
from linli.cases.models import Case
from linli.extensions import db
from linli.orgs.models import OrgKind
from linli.orgs.service import create_org
from tests.factories import make_user
from tests.support import API, assert_problem

DEMAND = f"{API}/analytics/demand"
NOV = {"from": "2026-10-01", "to": "2026-11-30"}


@pytest.fixture
def demand(client, auth, world):
    """demand(user=admin, **query) → the answer (asserting 200)."""

    def get(user=None, **query):
        response = client.get(DEMAND, query_string=query, headers=auth(user or world.admin))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return get


@pytest.fixture
def report(new_case):
    """report(at, **fields) → a case reported now, then dated `at` (UTC)."""

    def make(at=None, **fields):
        case = new_case(**fields)
        if at is not None:
            db.session.execute(
                update(Case).where(Case.id == uuid.UUID(case["id"])).values(created_at=at)
            )
            db.session.commit()
        return case

    return make


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def support(client, auth, case, user):
    response = client.post(f"{API}/cases/{case['id']}/support", headers=auth(user))
    assert response.status_code == 200, response.get_json()


def row_keys(series):
    return {
        (r["period"], (r["category"] or {}).get("code"), (r["org"] or {}).get("id")): (
            r["cases"],
            r["supporters"],
        )
        for r in series
    }


# --- series -------------------------------------------------------------------------------


def test_series_counts_cases_and_supporters_per_month_category_and_community(
    report, demand, world, client, auth
):
    a, b = world.community_a, world.community_b
    made = [
        (utc(2026, 11, 3, 2), "elderly_care", world.grid_a1, a),
        (utc(2026, 11, 20, 2), "elderly_care", world.grid_a2, a),
        # 00:30 on 1 November in Shanghai: November, though October in UTC
        (utc(2026, 10, 31, 16, 30), "community_meals", world.grid_a1, a),
        (utc(2026, 10, 31, 15, 30), "community_meals", world.grid_a1, a),  # 23:30, October
        (utc(2026, 11, 5), "elderly_care", world.grid_b1, b),
        (utc(2026, 9, 30, 15, 59), "elderly_care", world.grid_a1, a),  # September: outside
    ]
    cases = []
    for at, category, org, _ in made:
        reporter = world.resident_b if org is world.grid_b1 else world.resident_a
        cases.append(report(at, category=category, org_id=org.id, reporter=reporter))
    support(client, auth, cases[0], world.resident_a2)

    body = demand(**NOV)

    def month(at):
        return (at + timedelta(hours=8)).strftime("%Y-%m")

    expected = Counter(
        (month(at), category, community.id)
        for at, category, _, community in made
        if month(at) in ("2026-10", "2026-11")
    )
    got = row_keys(body["series"])
    assert {key: cases for key, (cases, _) in got.items()} == dict(expected)
    assert got[("2026-11", "elderly_care", a.id)][1] == 1
    assert sum(s for _, s in got.values()) == 1
    assert [p["period"] for p in body["periods"]] == ["2026-10", "2026-11"]
    assert body["series"][0]["category"]["name_zh"]
    assert body["series"][0]["org"]["name"] in (a.name, b.name)


def test_supporters_count_every_plus_one_on_the_cases(report, demand, world, client, auth):
    neighbour = make_user("resident_a3", Role.RESIDENT, world.grid_a2)
    db.session.commit()
    supported = report(utc(2026, 11, 3, 2))
    report(utc(2026, 11, 4, 2))
    support(client, auth, supported, world.resident_a2)
    support(client, auth, supported, neighbour)

    rows = demand(**NOV, by="category")["series"]

    assert [(r["period"], r["cases"], r["supporters"]) for r in rows] == [("2026-11", 2, 2)]


def test_weeks_start_on_monday_in_shanghai_and_group_by_category_only(report, demand, world):
    # Monday 23 November 2026, 00:10 in Shanghai is Sunday 16:10 UTC: ISO week 48
    report(utc(2026, 11, 22, 16, 10))
    report(utc(2026, 11, 22, 15, 50), org_id=world.grid_a2.id)  # Sunday 23:50: week 47

    body = demand(granularity="week", by="category", **{"from": "2026-11-18", "to": "2026-11-30"})

    assert row_keys(body["series"]) == {
        ("2026-W47", "elderly_care", None): (1, 0),
        ("2026-W48", "elderly_care", None): (1, 0),
    }
    assert [p["period"] for p in body["periods"]] == ["2026-W47", "2026-W48", "2026-W49"]
    first = body["periods"][0]
    assert first["starts_at"].startswith("2026-11-17T16:00:00")  # cut at `from`


def test_level_street_counts_each_case_for_its_street(report, demand, world):
    report(utc(2026, 11, 3), org_id=world.grid_a1.id)
    report(utc(2026, 11, 4), org_id=world.grid_b1.id, reporter=world.resident_b)

    rows = demand(**NOV, by="org", level="street")["series"]

    assert row_keys(rows) == {("2026-11", None, world.street.id): (2, 0)}
    assert rows[0]["org"]["name"] == world.street.name


def test_the_default_range_is_twelve_months_up_to_today(demand):
    body = demand()

    assert len(body["periods"]) == 12
    assert body["periods"][-1]["period"] == body["to"][:7]


def test_no_personal_data_in_the_answer(report, demand, world):
    report(
        utc(2026, 11, 3),
        title="王阿姨家水管漏水",
        description="电话 13900000001",
        address="1号楼 1-101",
        household_id=world.building_a1.households[0].id,
        reporter=world.grid_worker_a1,
        on_behalf_of={"resident_id": world.resident_a.id},
    )

    text = str(demand(**NOV))

    for private in ("王阿姨", "13900000001", "1-101", world.resident_a.display_name):
        assert private not in text


# --- unmet needs and supply ------------------------------------------------------------------


def unmet(body):
    return {(r["community"]["id"], r["category"]["code"]): r["cases"] for r in body["unmet_needs"]}


def test_unmet_needs_appear_without_a_covering_provider_and_go_when_one_is_added(
    report, demand, world, make_provider
):
    report(utc(2026, 11, 3), org_id=world.grid_a1.id)
    report(utc(2026, 11, 4), org_id=world.grid_a2.id)
    assert unmet(demand()) == {}  # world.provider covers the whole street

    world.provider.active = False
    db.session.commit()
    body = demand()
    assert unmet(body) == {(world.community_a.id, "elderly_care"): 2}
    row = body["unmet_needs"][0]
    assert row["oldest_waiting_hours"] >= row["median_waiting_hours"] > 0

    make_provider("甲1助老", coverage=[world.grid_a1], categories=["elderly_care"])
    assert unmet(demand()) == {(world.community_a.id, "elderly_care"): 1}  # A2 still uncovered
    make_provider("甲社区助老", coverage=[world.community_a], categories=["elderly_care"])
    assert unmet(demand()) == {}


def test_a_case_routing_found_unmet_stays_an_unmet_need(report, demand, world, make_provider):
    world.provider.active = False
    db.session.commit()
    report()  # routing finds no provider and flags the case
    make_provider("甲社区助老", coverage=[world.community_a], categories=["elderly_care"])

    assert unmet(demand()) == {(world.community_a.id, "elderly_care"): 1}


def test_supply_against_demand_counts_spare_capacity_against_waiting_cases(
    report, demand, world, make_provider, drive
):
    world.provider.active = False
    db.session.commit()
    helper = make_provider(
        "甲社区助老", coverage=[world.community_a], categories=["elderly_care"], capacity=2
    )
    cases = [report() for _ in range(3)]
    drive(cases[0], world.dispatcher_a, "assign", provider_id=helper.id)

    rows = {(r["community"]["id"], r["category"]["code"]): r for r in demand()["supply_vs_demand"]}

    row = rows[(world.community_a.id, "elderly_care")]
    assert {k: row[k] for k in ("providers", "capacity", "open_load")} == {
        "providers": 1,
        "capacity": 2,
        "open_load": 1,
    }
    assert (row["open_demand"], row["unassigned_demand"]) == (3, 2)
    assert row["gap"] == 2 - (2 - 1)
    # other_provider still covers community B for everything, with nothing asked of it
    assert rows[(world.community_b.id, "health")]["gap"] == 0
    assert (world.community_a.id, "health") not in rows  # no provider, no demand


# --- recurring needs ----------------------------------------------------------------------


def recurring(body):
    return {
        (r["place"]["kind"], r["place"]["id"], r["category"]["code"]): r
        for r in body["recurring_needs"]
    }


def test_a_need_recurs_at_a_building_from_the_third_case_in_ninety_days(report, demand, world):
    household = world.building_a1.households[0].id
    to = start_of_day(datetime(2026, 11, 30).date()) + timedelta(days=1)

    def at_building(at):
        return report(
            at,
            household_id=household,
            reporter=world.grid_worker_a1,
            on_behalf_of={"resident_id": world.resident_a.id},
        )

    at_building(to - timedelta(days=91))  # too old to count
    first = at_building(to - timedelta(days=30))
    second = at_building(to - timedelta(days=2))
    assert recurring(demand(**NOV)) == {}

    third = at_building(to - timedelta(hours=1))
    rows = recurring(demand(**NOV))

    row = rows[("building", world.building_a1.id, "elderly_care")]
    assert row["cases"] == 3
    assert row["case_ids"] == [first["id"], second["id"], third["id"]]
    assert row["place"]["name"] == world.building_a1.name


def test_without_a_household_a_need_recurs_in_its_grid(report, demand, world):
    for _ in range(3):
        report(utc(2026, 11, 20), org_id=world.grid_a2.id, category="facility")
    report(utc(2026, 11, 20), org_id=world.community_a.id, category="facility")  # no grid

    rows = recurring(demand(**NOV))

    assert {key: r["cases"] for key, r in rows.items()} == {
        ("grid", world.grid_a2.id, "facility"): 3
    }


def test_a_recurring_need_lists_its_latest_twenty_cases_and_counts_them_all(report, demand, world):
    reporters = [{"reporter": world.resident_a}, {"reporter": world.resident_a2}] * 8 + [
        {"reporter": world.dispatcher_a, "on_behalf_of": {"resident_id": world.resident_a.id}}
    ] * 6
    cases = [
        report(utc(2026, 11, 1) + timedelta(hours=n), org_id=world.grid_a2.id, **who)
        for n, who in enumerate(reporters)
    ]

    row = recurring(demand(**NOV))[("grid", world.grid_a2.id, "elderly_care")]

    assert row["cases"] == 22
    assert row["case_ids"] == [c["id"] for c in cases[2:]]  # the latest 20, oldest first


def test_a_recurring_need_links_only_the_cases_the_reader_may_open(report, demand, world):
    cases = [report(utc(2026, 11, 20, hour), org_id=world.grid_a2.id) for hour in (1, 2, 3)]
    climbed = uuid.UUID(cases[1]["id"])
    db.session.execute(
        update(Case).where(Case.id == climbed).values(escalation_level=OrgKind.STREET)
    )
    db.session.commit()

    key = ("grid", world.grid_a2.id, "elderly_care")
    by_admin = recurring(demand(**NOV))[key]
    by_officer = recurring(demand(world.officer_street, **NOV))[key]

    assert by_admin["openable_case_ids"] == by_admin["case_ids"] == [c["id"] for c in cases]
    # A street officer counts all three but opens only what climbed to the street.
    assert by_officer["case_ids"] == by_admin["case_ids"]
    assert by_officer["openable_case_ids"] == [cases[1]["id"]]


# --- scope ----------------------------------------------------------------------------------


@pytest.fixture
def busy_area(report, world):
    """Cases in community A: a series row, an unmet need and a recurring need."""
    for _ in range(3):
        report(utc(2026, 11, 20), org_id=world.grid_a2.id)
    world.provider.active = False
    db.session.commit()


def test_an_officer_of_another_street_sees_none_of_these_cases(busy_area, demand, world):
    other_street = create_org(
        kind=OrgKind.STREET, code="t-s2", name="另一街道", parent=world.district
    )
    officer = make_user("officer_s2", Role.OFFICER, other_street)
    db.session.commit()

    theirs = demand(officer, **NOV)
    ours = demand(world.officer_street, **NOV)

    assert (theirs["series"], theirs["unmet_needs"], theirs["recurring_needs"]) == ([], [], [])
    assert theirs["supply_vs_demand"] == []
    assert ours["series"] and ours["unmet_needs"] and ours["recurring_needs"]


def test_community_b_does_not_count_community_a(busy_area, demand, world):
    body = demand(world.dispatcher_b, **NOV)

    assert (body["series"], body["unmet_needs"], body["recurring_needs"]) == ([], [], [])
    assert {r["community"]["id"] for r in body["supply_vs_demand"]} == {world.community_b.id}


def test_a_grid_worker_counts_their_own_grid(busy_area, demand, world):
    body = demand(world.grid_worker_a1, **NOV)  # the cases are in A2

    assert body["series"] == [] and body["unmet_needs"] == []


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.PROVIDER_STAFF])
def test_residents_and_providers_see_no_area_figures(client, auth, world, role):
    response = client.get(DEMAND, headers=auth(world.user(role)))

    assert_problem(response, 403)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"by": "colour"}, "by"),
        ({"by": "category,street"}, "by"),
        ({"by": ""}, "by"),
        ({"level": "grid"}, "level"),
        ({"level": "city"}, "level"),
        ({"granularity": "day"}, "granularity"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"to": "1900-01-01"}, "to"),
        ({"from": "2026-11-02", "to": "2026-11-01"}, "from"),
        ({"from": "2023-01-01", "to": "2026-01-01", "granularity": "week"}, "to"),
        ({"from": "2016-01-01", "to": "2026-01-01"}, "to"),
    ],
)
def test_bad_query_is_a_422_naming_the_field(client, auth, world, query, field):
    response = client.get(DEMAND, query_string=query, headers=auth(world.officer_street))

    assert_problem(response, 422, field)


def test_three_years_of_weeks_is_allowed(demand):
    body = demand(granularity="week", **{"from": "2023-01-02", "to": "2026-01-01"})

    assert len(body["periods"]) == 157  # 2023-W01 … 2026-W01


# --- cost -----------------------------------------------------------------------------------


def test_the_statements_do_not_grow_with_the_cases(report, world, client, auth, statements, drive):
    headers = auth(world.officer_street)

    def cost():
        return statements(lambda: client.get(DEMAND, query_string=NOV, headers=headers))

    household = world.building_a1.households[0].id
    report(utc(2026, 11, 3))
    one = cost()
    for n in range(6):
        in_b = n % 3 == 2
        on_rounds = n % 3 == 0
        case = report(
            utc(2026, 10 + n % 2, 3 + n),
            org_id=(world.grid_b1 if in_b else world.grid_a1).id,
            category=("elderly_care", "health")[n % 2],
            reporter=world.grid_worker_a1 if on_rounds else (world.resident_b if in_b else None),
            household_id=household if on_rounds else None,
            on_behalf_of={"resident_id": world.resident_a.id} if on_rounds else None,
        )
        if n == 1:
            drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
        if not in_b:
            support(client, auth, case, world.resident_a2)

    assert cost() == one
