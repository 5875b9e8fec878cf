"""The assessment by hand: small case sets whose figures are counted here, who sees which
rows, bad queries, published months and the exported files."""

import csv
import io
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from linli.audit.models import AuditRecord
from linli.escalation.service import escalate_overdue_cases
from linli.extensions import db
from linli.feedback.service import close_unrated_cases
from linli.orgs.models import OrgKind
from linli.orgs.service import create_org
from tests.support import API, assert_problem

ASSESSMENT = f"{API}/assessment"
T0 = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, well inside November
AFTER = datetime(2026, 12, 15, tzinfo=UTC)


@contextmanager
def at(moment):
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def table(client, auth, world):
    """table(user=admin, now=AFTER, **query) → the November table (asserting 200)."""

    def get(user=None, now=AFTER, **query):
        with at(now):
            month = {} if "from" in query else {"period": "2026-11"}
            response = client.get(
                ASSESSMENT,
                query_string={**month, **query},
                headers=auth(user or world.admin),
            )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return get


def row_of(body, unit_id):
    return next(r for r in body["rows"] if r["unit"]["id"] == unit_id)


@pytest.fixture
def handled(new_case, drive, world, client, auth):
    """handled(**steps) → a case reported at T0 and taken through timed steps."""

    def build(*, start=T0, accept_after=1, resolve_after=3, stars=None, resolved=True, **fields):
        with at(start):
            case = drive(
                new_case(**fields), world.dispatcher_a, "assign", provider_id=world.provider.id
            )
        if accept_after is not None:
            with at(start + timedelta(hours=accept_after)):
                case = drive(case, world.provider_staff, "accept")
        if resolve_after is not None:
            with at(start + timedelta(hours=resolve_after)):
                case = drive(case, world.provider_staff, "resolve", note="已处理")
        if stars is not None:
            with at(start + timedelta(hours=resolve_after + 1)):
                response = client.post(
                    f"{API}/cases/{case['id']}/rating",
                    json={"resolved": resolved, "stars": stars},
                    headers=auth(world.resident_a),
                )
            assert response.status_code == 200, response.get_json()
            case = response.get_json()
        return case

    return build


FIGURES_OF_ONE_GOOD_CASE = {
    "cases": 1,
    "due_for_acceptance": 1,
    "accepted_on_time": 1,
    "response_rate": 1.0,
    "due_for_resolution": 1,
    "resolved_on_time": 1,
    "resolved": 1,
    "resolution_rate": 1.0,
    "ratings": 1,
    "ratings_recorded": 0,
    "satisfied": 1,
    "satisfaction_rate": 1.0,
    "not_rated": 0,
    "median_hours_to_accept": 1.0,
    "median_hours_to_resolve": 3.0,
    "overdue": 0,
    "bounces": 0,
    "escalations": 0,
    "score": 100.0,
    "rank": 1,
}


def test_a_case_handled_in_time_counts_for_its_provider_its_community_and_its_category(
    handled, table, world
):
    handled(stars=5)

    by_provider = row_of(table(group_by="provider"), world.provider.id)
    community = table(group_by="org", level="community")
    by_category = table(group_by="category")

    for row in (by_provider, row_of(community, world.community_a.id)):
        assert {k: row[k] for k in FIGURES_OF_ONE_GOOD_CASE} == FIGURES_OF_ONE_GOOD_CASE
    elderly = next(r for r in by_category["rows"] if r["unit"]["code"] == "elderly_care")
    assert (elderly["cases"], elderly["score"], elderly["rank"]) == (1, 100.0, 1)
    # Every community of the area is listed, one without cases as having no data.
    quiet = row_of(community, world.community_b.id)
    assert (quiet["cases"], quiet["response_rate"], quiet["score"], quiet["rank"]) == (
        0,
        None,
        None,
        None,
    )


def test_a_rate_without_a_denominator_is_no_data_and_the_score_leaves_it_out(handled, table, world):
    handled(accept_after=2, resolve_after=None)  # accepted; the resolve clock (7 days) runs on

    row = row_of(table(group_by="provider", now=T0 + timedelta(days=1)), world.provider.id)

    assert (row["due_for_acceptance"], row["accepted_on_time"]) == (1, 1)
    assert (row["due_for_resolution"], row["resolution_rate"]) == (0, None)
    assert (row["ratings"], row["satisfaction_rate"]) == (0, None)
    assert row["score"] == 100.0  # the response rate alone, not diluted by two zeros


def test_a_late_acceptance_is_the_holders_and_the_bounce_the_returners(
    new_case, drive, world, table, other_provider_serves_a
):
    with at(T0):
        case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    with at(T0 + timedelta(hours=30)):  # past the 24-hour accept deadline
        case = drive(case, world.provider_staff, "return", reason="不是我们的业务")
        case = drive(case, world.dispatcher_a, "accept_return")
        case = drive(case, world.dispatcher_a, "assign", provider_id=world.other_provider.id)
    with at(T0 + timedelta(hours=31)):
        case = drive(case, world.other_provider_staff, "accept")
        case = drive(case, world.other_provider_staff, "resolve", note="已处理")

    body = table(group_by="provider")
    first, second = row_of(body, world.provider.id), row_of(body, world.other_provider.id)

    assert (first["due_for_acceptance"], first["accepted_on_time"], first["response_rate"]) == (
        1,
        0,
        0.0,
    )
    assert (first["bounces"], first["overdue"], first["due_for_resolution"]) == (1, 1, 0)
    assert (second["due_for_acceptance"], second["bounces"]) == (0, 0)
    assert (second["due_for_resolution"], second["resolved_on_time"], second["resolved"]) == (
        1,
        1,
        1,
    )
    assert first["cases"] == second["cases"] == 1
    assert first["rank"] == 2 and second["rank"] == 1


def test_a_not_resolved_verdict_overturns_the_cycle_and_the_next_has_its_own_clock(
    handled, drive, world, table, client, auth
):
    case = handled(stars=1)  # reopened one level up: cycle 2, clocks from the reopen
    reopened = T0 + timedelta(hours=4)
    with at(reopened + timedelta(hours=25)):  # cycle 2 accepted late (its clock: 24 h)
        case = drive(case, world.provider_staff, "accept")
    with at(reopened + timedelta(hours=26)):
        case = drive(case, world.provider_staff, "resolve", note="再次上门")
        rating = client.post(
            f"{API}/cases/{case['id']}/rating",
            json={"resolved": True, "stars": 4},
            headers=auth(world.resident_a),
        )
    assert rating.status_code == 200

    row = row_of(table(group_by="provider"), world.provider.id)

    assert (row["due_for_acceptance"], row["accepted_on_time"]) == (2, 1)
    assert (row["due_for_resolution"], row["resolved_on_time"], row["resolved"]) == (2, 2, 1)
    assert (row["ratings"], row["satisfied"], row["satisfaction_rate"]) == (2, 1, 0.5)
    assert (row["cases"], row["overdue"], row["escalations"]) == (1, 1, 1)


def test_a_case_not_rated_in_time_is_counted_apart(handled, table, world):
    handled()
    close_unrated_cases(now=T0 + timedelta(days=8))

    row = row_of(table(group_by="provider"), world.provider.id)

    assert (row["not_rated"], row["ratings"], row["satisfaction_rate"]) == (1, 0, None)
    assert row["resolved"] == 1


def test_an_appeal_overturns_the_resolution_it_disputes(handled, table, world, client, auth):
    case = handled(stars=4)
    with at(T0 + timedelta(days=1)):
        response = client.post(
            f"{API}/cases/{case['id']}/appeal",
            json={"reason": "没修好"},
            headers=auth(world.resident_a),
        )
    assert response.status_code == 200, response.get_json()

    row = row_of(table(group_by="provider"), world.provider.id)

    # Cycle 1 was resolved but overturned; cycle 2 (the appeal's) fell due unhandled.
    assert (row["due_for_resolution"], row["resolved"], row["resolution_rate"]) == (2, 0, 0.0)
    assert (row["due_for_acceptance"], row["accepted_on_time"]) == (2, 1)
    assert (row["ratings"], row["satisfied"]) == (1, 1)  # the rating stands; the verdict counts
    assert row["escalations"] == 1


def test_a_supervisors_reopen_does_not_overturn(handled, drive, table, world):
    case = handled()
    with at(T0 + timedelta(hours=5)):
        drive(case, world.dispatcher_a, "reopen")

    row = row_of(table(group_by="provider", now=T0 + timedelta(hours=6)), world.provider.id)

    assert (row["due_for_resolution"], row["resolved"]) == (1, 1)


def test_ratings_recorded_on_a_follow_up_call_are_told_apart(handled, table, world, client, auth):
    case = handled(
        reporter=world.grid_worker_a1, on_behalf_of={"resident_id": world.resident_a2.id}
    )
    with at(T0 + timedelta(hours=5)):
        response = client.post(
            f"{API}/cases/{case['id']}/rating",
            json={"resolved": True, "stars": 5, "channel": "phone"},
            headers=auth(world.grid_worker_a1),
        )
    assert response.status_code == 200, response.get_json()

    row = row_of(table(group_by="provider"), world.provider.id)

    assert (row["ratings"], row["ratings_recorded"], row["satisfied"]) == (1, 1, 1)


def test_escalations_by_the_sweep_count_for_the_unit_holding_the_case(
    new_case, drive, world, table
):
    with at(T0):
        drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    escalate_overdue_cases(now=T0 + timedelta(hours=25))

    row = row_of(table(group_by="provider", now=T0 + timedelta(hours=26)), world.provider.id)

    assert (row["escalations"], row["due_for_acceptance"], row["overdue"]) == (1, 1, 1)


def test_the_weights_are_the_configured_ones(handled, table, world, app, monkeypatch):
    handled(stars=1)  # response 1.0, resolution 0.0 (overturned), satisfaction 0.0
    monkeypatch.setitem(app.config, "ASSESSMENT_WEIGHTS", (1.0, 0.0, 0.0))

    body = table(group_by="provider", now=T0 + timedelta(hours=6))

    assert body["weights"] == {"response": 1.0, "resolution": 0.0, "satisfaction": 0.0}
    assert row_of(body, world.provider.id)["score"] == 100.0


def test_cases_outside_the_month_do_not_count(handled, table, world):
    handled(stars=5)

    october = table(group_by="provider", period="2026-10")
    december = table(group_by="provider", period="2026-12")

    assert october["rows"] == [] and december["rows"] == []
    assert (october["from"], october["to"]) == ("2026-10-01", "2026-10-31")


def test_a_range_of_days_is_shanghai_days(handled, table, world):
    handled(stars=5)  # reported 10:00 on 10 November, Shanghai

    day = table(group_by="provider", **{"from": "2026-11-10", "to": "2026-11-10"})
    before = table(group_by="provider", **{"from": "2026-11-01", "to": "2026-11-09"})

    assert row_of(day, world.provider.id)["due_for_acceptance"] == 1
    assert before["rows"] == []
    assert day["period"] is None


# --- who sees which rows --------------------------------------------------------------------------


def test_an_officer_sees_the_units_of_their_area_only(handled, table, world):
    handled(stars=5)
    elsewhere = create_org(kind=OrgKind.STREET, code="t-s2", name="别的街道", parent=world.district)
    db.session.commit()

    street = table(world.officer_street, group_by="org", level="community")
    district = table(world.officer_district, group_by="org", level="street")

    assert {r["unit"]["id"] for r in street["rows"]} == {world.community_a.id, world.community_b.id}
    assert {r["unit"]["id"] for r in district["rows"]} == {world.street.id, elsewhere.id}
    assert row_of(district, elsewhere.id)["cases"] == 0


def test_a_party_reviewer_sees_their_community(handled, table, world):
    handled(stars=5)

    body = table(world.reviewer_a, group_by="org", level="community")

    assert [r["unit"]["id"] for r in body["rows"]] == [world.community_a.id]


def test_provider_staff_see_their_own_row_and_its_rank(
    handled, table, world, client, auth, new_case, drive
):
    handled(stars=5)
    with at(T0):
        late = new_case(reporter=world.resident_b, org_id=world.grid_b1.id)
        drive(late, world.dispatcher_b, "assign", provider_id=world.other_provider.id)

    own = table(world.other_provider_staff, group_by="provider")
    with at(AFTER):
        other_groups = client.get(
            ASSESSMENT, query_string={"group_by": "org"}, headers=auth(world.provider_staff)
        )
        resident = client.get(ASSESSMENT, headers=auth(world.resident_a))

    assert [(r["unit"]["id"], r["rank"]) for r in own["rows"]] == [(world.other_provider.id, 2)]
    assert_problem(other_groups, 403, "group_by")
    assert_problem(resident, 403)


def test_drilling_down_stays_inside_the_callers_area(table, world, client, auth):
    inside = table(
        world.officer_street, group_by="org", level="community", org_id=world.community_a.id
    )
    with at(AFTER):
        outside = client.get(
            ASSESSMENT,
            query_string={"org_id": world.district.id},
            headers=auth(world.officer_street),
        )
        unknown = client.get(
            ASSESSMENT, query_string={"org_id": 999999}, headers=auth(world.officer_street)
        )

    assert [r["unit"]["id"] for r in inside["rows"]] == [world.community_a.id]
    assert_problem(outside, 403, "org_id")
    assert_problem(unknown, 422, "org_id")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period": "2026-13"}, "period"),
        ({"period": "November"}, "period"),
        ({"from": "2026-11-01"}, "to"),
        ({"to": "2026-11-01"}, "from"),
        ({"period": "2026-11", "from": "2026-11-01", "to": "2026-11-02"}, "period"),
        ({"from": "2026-11-05", "to": "2026-11-01"}, "from"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "to"),
        ({"from": "2026-11-31", "to": "2026-12-01"}, "from"),
        ({"group_by": "street"}, "group_by"),
        ({"level": "grid"}, "level"),
        ({"format": "pdf"}, "format"),
        ({"lang": "fr"}, "lang"),
        ({"view": "frozen"}, "view"),
        ({"view": "published", "from": "2026-11-01", "to": "2026-11-02"}, "view"),
        ({"org_id": "abc"}, "org_id"),
    ],
)
def test_bad_queries_are_refused_field_by_field(query, field, client, auth, world):
    response = client.get(ASSESSMENT, query_string=query, headers=auth(world.admin))

    assert_problem(response, 422, field)


# --- published months ----------------------------------------------------------------------------


@pytest.fixture
def publish(client, auth, world):
    def post(period="2026-11", user=None, now=AFTER):
        with at(now):
            return client.post(
                f"{ASSESSMENT}/periods/{period}/publish",
                headers=auth(user or world.officer_district),
            )

    return post


def test_a_district_officer_publishes_a_finished_month_once(publish, handled, world):
    handled(stars=5)

    street_officer = publish(user=world.officer_street)
    unfinished = publish("2026-12")
    first = publish()
    again = publish()

    assert_problem(street_officer, 403)
    assert_problem(unfinished, 422, "period")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["published_by"] == world.officer_district.display_name
    assert first.get_json()["org_id"] == world.district.id
    assert_problem(again, 409)
    (record,) = db.session.scalars(
        select(AuditRecord).where(AuditRecord.object_type == "assessment_publication")
    ).all()
    assert (record.actor_id, record.changes["period"]) == (
        world.officer_district.id,
        [None, "2026-11"],
    )


def test_a_published_month_stays_as_published_while_the_live_figures_move(
    publish, handled, table, world, client, auth
):
    case = handled(start=datetime(2026, 11, 27, 2, tzinfo=UTC), stars=4)
    assert publish(now=datetime(2026, 12, 1, 1, tzinfo=UTC)).status_code == 201
    with at(datetime(2026, 12, 1, 2, tzinfo=UTC)):  # a late appeal overturns November's resolution
        response = client.post(
            f"{API}/cases/{case['id']}/appeal",
            json={"reason": "没修好"},
            headers=auth(world.resident_a),
        )
    assert response.status_code == 200, response.get_json()

    published = table(world.officer_street, group_by="provider", view="published")
    live = table(world.officer_street, group_by="provider")

    was, now = row_of(published, world.provider.id), row_of(live, world.provider.id)
    assert (was["resolved"], was["score"]) == (1, 100.0)
    assert now["resolved"] == 0 and now["score"] < 100.0
    assert (now["published_score"], now["published_rank"]) == (100.0, 1)
    assert published["publication"]["period"] == "2026-11"
    assert live["publication"]["published_by"] == world.officer_district.display_name


def test_an_unpublished_month_has_no_published_view(client, auth, world):
    response = client.get(
        ASSESSMENT,
        query_string={"period": "2026-10", "view": "published"},
        headers=auth(world.admin),
    )

    assert_problem(response, 404)


# --- exports ---------------------------------------------------------------------------------------


def export(client, auth, world, **query):
    with at(AFTER):
        return client.get(
            ASSESSMENT,
            query_string={"period": "2026-11", "group_by": "org", **query},
            headers=auth(world.officer_street),
        )


def test_the_csv_has_chinese_headers_and_numbers(handled, client, auth, world):
    handled(stars=5)

    response = export(client, auth, world, format="csv")
    english = export(client, auth, world, format="csv", lang="en")

    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:6] == ["排名", "单位", "综合得分", "响应率", "解决率", "满意率"]
    a = next(r for r in rows if r[1] == world.community_a.name)
    assert (a[0], float(a[2]), float(a[3])) == ("1", 100.0, 1.0)
    b = next(r for r in rows if r[1] == world.community_b.name)
    assert (b[0], b[3]) == ("", "")  # no data: empty, not 0
    assert next(csv.reader(io.StringIO(english.data.decode("utf-8-sig"))))[:3] == [
        "Rank",
        "Unit",
        "Score",
    ]


def test_the_xlsx_opens_with_the_period_headers_numbers_and_definitions(
    handled, client, auth, world
):
    handled(stars=5)

    response = export(client, auth, world, format="xlsx")

    assert response.mimetype.endswith("spreadsheetml.sheet")
    disposition = response.headers["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "考核_测试街道_2026-11_社区.xlsx"
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:2] == ["考核期间", "2026-11（按北京时间（Asia/Shanghai）计日）"]
    header = next(i for i, r in enumerate(values) if r[0] == "排名")
    a = next(r for r in sheet.iter_rows(min_row=header + 2) if r[1].value == world.community_a.name)
    assert (a[0].value, a[2].value, a[3].value) == (1, 100.0, 1.0)
    assert a[3].number_format == "0.0%" and a[3].data_type == "n"
    assert any(r[0] == "指标说明" for r in values)
    assert any(str(r[0]).startswith("响应率 = ") for r in values)


def test_the_accept_header_asks_for_a_file_too(handled, client, auth, world):
    with at(AFTER):
        response = client.get(
            ASSESSMENT,
            query_string={"period": "2026-11"},
            headers=auth(world.admin, Accept="text/csv"),
        )

    assert response.mimetype == "text/csv"


# --- cost ------------------------------------------------------------------------------------------


def test_the_statements_do_not_grow_with_the_cases(handled, client, auth, world, statements):
    def cost():
        with at(AFTER):
            return statements(
                lambda: client.get(
                    ASSESSMENT,
                    query_string={"period": "2026-11", "group_by": "provider"},
                    headers=auth(world.officer_street),
                )
            )

    handled(stars=5)
    one = cost()
    for stars in (1, 4, 5, None):
        handled(stars=stars)

    assert cost() == one
