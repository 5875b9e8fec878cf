"""Test fixtures: one app per session, one rolled-back transaction per test.

LINLI_TEST_DATABASE_URL picks the database (PostgreSQL in CI's second run); the default
is a SQLite file in a temporary folder. The schema is built by the Alembic migrations,
so every run also proves them.
"""

import os

import pytest
from flask_jwt_extended import create_access_token
from flask_migrate import upgrade
from sqlalchemy import event, select, text
from sqlalchemy.orm import scoped_session, sessionmaker

from linli import create_app
from linli.categories.models import Category
from linli.escalation.service import escalate_overdue_cases
from linli.extensions import db, limiter
from linli.routing.models import ProviderType
from linli.routing.service import create_provider
from tests.factories import World, build_world

TEST_DATABASE_URL = os.environ.get("LINLI_TEST_DATABASE_URL")
# Every app a test makes delivers notifications only when the test says so: a delivery
# thread outliving its test would hold a connection to a database the test has dropped.
os.environ["LINLI_DELIVER_AFTER_COMMIT"] = "0"


# Each xdist worker migrates a PostgreSQL schema of its own, so PostgreSQL runs in parallel
# as SQLite does (one file per worker).
POSTGRES_SCHEMA = f"linli_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def _database_url(instance) -> str:
    if not TEST_DATABASE_URL:
        return f"sqlite:///{instance / 'test.sqlite3'}"
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    return f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{POSTGRES_SCHEMA}"


def _reset_postgres(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {POSTGRES_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {POSTGRES_SCHEMA}"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = _database_url(instance)
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_PROFILE": "fast",
            "RATELIMIT_STORAGE_URI": "memory://",
            # Registration codes are kept in memory where tests read them (tests/accounts).
            "SMS_SENDER": "linli.accounts.sms:MemorySender",
            "PWA_DIST": str(instance / "no-pwa"),
            # Cases wait in triage unless a routing test switches this on (monkeypatch).
            "AUTO_ROUTING": False,
            # Tests deliver by calling notifications.delivery (one test runs the thread).
            "DELIVER_AFTER_COMMIT": False,
        }
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _reset_postgres(db.engine)
        upgrade()
    return app


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Each test runs in a transaction rolled back at the end (commits become savepoints).

    Tests marked `commits` (concurrency) use real transactions and clean up instead.
    """
    with app.app_context():
        limiter.reset()
        if "commits" in request.keywords:
            yield
            _delete_all_rows()
            return
        connection = db.engine.connect()
        transaction = connection.begin()
        # A plain SQLAlchemy session: Flask-SQLAlchemy's own ignores a session-wide bind.
        session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        real_session, db.session = db.session, session
        try:
            yield
        finally:
            session.remove()
            transaction.rollback()
            connection.close()
            db.session = real_session


def _delete_all_rows() -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # The event and audit logs refuse DELETE (append-only); their owner may truncate.
            names = ", ".join(t.name for t in db.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names}"))
            return
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app) -> World:
    """A small city with one account per role; see tests/factories.py.

    Committed inside the test's transaction, so a test can roll back a refused request's
    leftovers (as the app's teardown does) and still have its world.
    """
    built = build_world()
    db.session.commit()
    return built


@pytest.fixture
def auth(app):
    """auth(user) → headers carrying a fresh access token for that user."""

    def headers(user, **extra):
        token = create_access_token(
            identity=str(user.id), additional_claims={"role": user.role.value}
        )
        return {"Authorization": f"Bearer {token}", **extra}

    return headers


@pytest.fixture
def post_report(client, auth, world):
    """post_report(reporter=resident_a, headers=None, **fields) → the response to a report of a
    need in grid A1 (fields override the defaults; a field set to None is left out)."""

    def post(reporter=None, headers=None, **fields):
        body = {
            "category": "elderly_care",
            "title": "需要上门助浴",
            "description": "独居老人行动不便",
            "org_id": world.grid_a1.id,
            **fields,
        }
        return client.post(
            "/api/v1/cases",
            json={k: v for k, v in body.items() if v is not None},
            headers={**auth(reporter or world.resident_a), **(headers or {})},
        )

    return post


@pytest.fixture
def new_case(post_report):
    """new_case(**fields) → a case reported through the API by resident_a (as JSON)."""

    def reported(reporter=None, headers=None, **fields):
        response = post_report(reporter, headers, **fields)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return reported


@pytest.fixture
def act(client, auth):
    """act(user, case_json, action, **body) → the response of a lifecycle action."""

    def perform(user, case, action, **body):
        body.setdefault("version", case["version"])
        return client.post(
            f"/api/v1/cases/{case['id']}/actions/{action}", json=body, headers=auth(user)
        )

    return perform


@pytest.fixture
def drive(act):
    """drive(case, user, action, **body) → the case after an action that must succeed."""

    def perform(case, user, action, **body):
        response = act(user, case, action, **body)
        assert response.status_code == 200, (action, response.get_json())
        return response.get_json()

    return perform


@pytest.fixture
def fetch(client, auth, world):
    """fetch(case, as_=admin) → the case as that user sees it now (asserting 200)."""

    def get(case, as_=None):
        response = client.get(f"/api/v1/cases/{case['id']}", headers=auth(as_ or world.admin))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return get


@pytest.fixture
def assigned_case(new_case, drive, world):
    """assigned_case(provider=world.provider, **report fields) → a case assigned by dispatcher_a."""

    def build(provider=None, **fields):
        case = new_case(**fields)
        return drive(
            case, world.dispatcher_a, "assign", provider_id=(provider or world.provider).id
        )

    return build


@pytest.fixture
def auto_routing(app, monkeypatch):
    """Reports are assigned by the system when one provider is clearly best."""
    monkeypatch.setitem(app.config, "AUTO_ROUTING", True)


@pytest.fixture
def make_provider(world):
    """make_provider(name, coverage=[orgs], categories=[codes] (None: all), …) → a provider."""

    def make(
        name,
        *,
        coverage,
        categories=None,
        capacity=50,
        active=True,
        type=ProviderType.SOCIAL_ORGANISATION,
    ):
        query = select(Category)
        if categories is not None:
            query = query.where(Category.code.in_(categories))
        provider = create_provider(
            name=name,
            type=type,
            categories=list(db.session.scalars(query)),
            coverage=coverage,
            capacity=capacity,
            active=active,
        )
        db.session.commit()
        return provider

    return make


@pytest.fixture
def other_provider_serves_a(world):
    """world.other_provider also covers community A, so it may take or join A's cases.

    Assignment and co-units are limited to providers that fit the case (category and
    place); tests of joint handling and re-assignment need a second unit that fits.
    """
    world.other_provider.coverage.append(world.community_a)
    db.session.commit()
    return world.other_provider


@pytest.fixture
def sweep():
    """sweep(now) → the SweepResult of one escalation sweep at that moment."""

    def run(now, **kwargs):
        result = escalate_overdue_cases(now=now, **kwargs)
        db.session.expire_all()
        return result

    return run


@pytest.fixture
def statements(app):
    """statements(fn) → how many SQL statements fn() ran."""

    def run(fn):
        seen = []

        def count(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    return run
