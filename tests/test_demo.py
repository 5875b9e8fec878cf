"""The demo city: a coherent world in which every demo account can play the whole loop."""

from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from linli.accounts.models import Role, User
from linli.cases.models import Case, CaseEvent, CaseState
from linli.categories.models import Category
from linli.demo.seed import seed_demo_city
from linli.extensions import db
from linli.feedback.models import Rating
from linli.orgs.models import Building, Org, OrgKind
from linli.routing.service import providers_covering

# Every state a case had before issue 3; `returned` (a hand-back awaiting a dispatcher) is
# a passing state the demo need not hold.
STORY_STATES = set(CaseState) - {CaseState.RETURNED}
HELD_BY_A_PROVIDER = {
    CaseState.ASSIGNED,
    CaseState.IN_PROGRESS,
    CaseState.RETURNED,
    CaseState.RESOLVED,
    CaseState.CLOSED,
}

DEMO_ACCOUNTS = [
    "resident1",
    "resident2",
    "grid1",
    "provider1",
    "dispatcher1",
    "officer1",
    "reviewer1",
    "admin1",
    "streetadmin1",
]


@pytest.fixture
def demo(app):
    """The seeded demo city; demo("name") → that demo account."""
    seed_demo_city(app.config)

    def account(username: str) -> User:
        return db.session.scalar(select(User).where(User.username == username))

    return account


def orgs_of(kind: OrgKind) -> list[Org]:
    return list(db.session.scalars(select(Org).where(Org.kind == kind)))


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_demo_city_has_the_promised_tree(demo):
    assert [len(orgs_of(kind)) for kind in OrgKind] == [1, 2, 4, 8, 24]
    (city,) = orgs_of(OrgKind.CITY)
    for kind in OrgKind:
        for org in orgs_of(kind):
            assert city.contains(org)
            assert org.parent is None or org.parent.kind is kind.parent_kind()
    for grid in orgs_of(OrgKind.GRID):
        buildings = list(db.session.scalars(select(Building).where(Building.grid_id == grid.id)))
        assert buildings and all(b.households for b in buildings), grid.name


def test_every_grid_has_a_provider_for_every_category(demo):
    categories = list(db.session.scalars(select(Category)))
    assert len(categories) == 10

    for grid in orgs_of(OrgKind.GRID):
        for category in categories:
            assert providers_covering(category, grid), (grid.name, category.code)


def test_demo_cases_cover_every_state_with_consistent_timelines(demo):
    cases = list(db.session.scalars(select(Case)))
    events = defaultdict(list)
    for event in db.session.scalars(select(CaseEvent).order_by(CaseEvent.at, CaseEvent.id)):
        events[event.case_id].append(event)

    assert 180 <= len(cases) <= 220
    assert set(Counter(c.state for c in cases)) >= STORY_STATES
    rated = {r.case_id for r in db.session.scalars(select(Rating))}
    for case in cases:
        timeline = events[case.id]
        assert (timeline[0].action, timeline[0].from_state, timeline[0].to_state) == (
            "submit",
            None,
            CaseState.SUBMITTED,
        )
        changes = [e for e in timeline if e.to_state is not None]
        for before, after in pairwise(changes):
            assert after.from_state == before.to_state, case.reference
        assert changes[-1].to_state == case.state, case.reference
        assert timeline[-1].at >= case.created_at
        assert (case.state is CaseState.CLOSED) == (case.id in rated), case.reference
        assert (case.provider_id is not None) == (case.state in HELD_BY_A_PROVIDER), case.reference


def test_resident1_has_a_case_in_every_state_of_the_story(demo):
    states = set(
        db.session.scalars(select(Case.state).where(Case.reporter_id == demo("resident1").id))
    )

    assert states >= STORY_STATES


def test_demo_accounts_fit_together(demo):
    resident1, resident2 = demo("resident1"), demo("resident2")
    home_grid = resident1.org
    community = home_grid.parent
    street = community.parent

    assert home_grid.kind is OrgKind.GRID
    assert resident1.phone == "13800000001"
    assert {name: demo(name).role for name in DEMO_ACCOUNTS} == {
        "resident1": Role.RESIDENT,
        "resident2": Role.RESIDENT,
        "grid1": Role.GRID_WORKER,
        "provider1": Role.PROVIDER_STAFF,
        "dispatcher1": Role.DISPATCHER,
        "officer1": Role.OFFICER,
        "reviewer1": Role.PARTY_REVIEWER,
        "admin1": Role.ADMIN,
        "streetadmin1": Role.ADMIN,
    }
    assert demo("grid1").org_id == home_grid.id
    assert demo("dispatcher1").org_id == demo("reviewer1").org_id == community.id
    assert demo("officer1").org_id == street.id
    assert demo("admin1").org.kind is OrgKind.CITY
    assert demo("streetadmin1").org_id == street.id
    provider_id = demo("provider1").provider_id
    for category in db.session.scalars(select(Category)):
        assert provider_id in {p.id for p in providers_covering(category, community)}, category.code
    assert resident2.org.kind is OrgKind.GRID
    assert resident2.org.parent_id != community.id
    assert resident2.org.parent.parent_id != street.id  # "another street", as the README says


def test_demo_accounts_sign_in_with_the_demo_password(client, demo):
    for login in [*DEMO_ACCOUNTS, "13800000001"]:
        response = client.post(
            "/api/v1/auth/login", json={"username": login, "password": "linli-demo"}
        )
        assert response.status_code == 200, (login, response.get_json())
    assert response.get_json()["user"]["username"] == "resident1"


def test_seeding_twice_changes_nothing(app, demo):
    before = row_counts()

    message = seed_demo_city(app.config)

    assert "already there" in message
    assert row_counts() == before


def test_seeding_keeps_categories_an_admin_deactivated(app, demo):
    category = db.session.scalar(select(Category).where(Category.code == "fitness"))
    category.active = False
    db.session.commit()

    seed_demo_city(app.config)

    assert db.session.get(Category, category.id).active is False


@pytest.fixture
def sign_in(client):
    """sign_in(username) → headers for a demo account, signed in through the API."""

    def headers(username):
        response = client.post(
            "/api/v1/auth/login", json={"username": username, "password": "linli-demo"}
        )
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    return headers


def test_the_readme_walk_takes_a_report_to_closed_with_the_demo_accounts(client, demo, sign_in):
    resident, dispatcher, provider = (
        sign_in("resident1"),
        sign_in("dispatcher1"),
        sign_in("provider1"),
    )
    org_id = client.get("/api/v1/me", headers=resident).get_json()["org_id"]
    reported = client.post(
        "/api/v1/cases",
        headers=resident,
        json={
            "category": "elderly_care",
            "title": "独居老人需要助浴",
            "description": "3号楼王奶奶行动不便",
            "org_id": org_id,
        },
    )
    assert reported.status_code == 201, reported.get_json()
    case_id = reported.get_json()["id"]
    provider_id = client.get("/api/v1/me", headers=provider).get_json()["provider_id"]

    def act(headers, action, **body):
        version = client.get(f"/api/v1/cases/{case_id}", headers=headers).get_json()["version"]
        response = client.post(
            f"/api/v1/cases/{case_id}/actions/{action}",
            headers=headers,
            json={"version": version, **body},
        )
        assert response.status_code == 200, (action, response.get_json())
        return response.get_json()["state"]

    assert act(dispatcher, "assign", provider_id=provider_id) == "assigned"
    assert act(provider, "accept") == "in_progress"
    assert act(provider, "resolve", note="已上门助浴") == "resolved"
    rated = client.post(
        f"/api/v1/cases/{case_id}/rating",
        headers=resident,
        json={"resolved": True, "stars": 5, "comment": "谢谢"},
    )
    assert rated.status_code == 200, rated.get_json()
    assert rated.get_json()["state"] == "closed"
    timeline = client.get(f"/api/v1/cases/{case_id}/events", headers=resident).get_json()["items"]
    assert [e["action"] for e in timeline] == ["submit", "assign", "accept", "resolve", "close"]


def test_a_seeded_submitted_case_of_resident1_can_be_walked_to_closed(client, demo, sign_in):
    resident, dispatcher, provider = (
        sign_in("resident1"),
        sign_in("dispatcher1"),
        sign_in("provider1"),
    )
    mine = client.get("/api/v1/cases?mine=true&state=submitted", headers=resident).get_json()[
        "items"
    ]
    assert mine
    case = mine[0]
    for headers, action, body in [
        (dispatcher, "assign", {"provider_id": demo("provider1").provider_id}),
        (provider, "accept", {}),
        (provider, "resolve", {"note": "已处理"}),
    ]:
        response = client.post(
            f"/api/v1/cases/{case['id']}/actions/{action}",
            headers=headers,
            json={"version": case["version"], **body},
        )
        assert response.status_code == 200, (action, response.get_json())
        case = response.get_json()
    rated = client.post(
        f"/api/v1/cases/{case['id']}/rating", headers=resident, json={"resolved": True, "stars": 4}
    )
    assert rated.get_json()["state"] == "closed"
