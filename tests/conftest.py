"""Test fixtures: one app per session, one rolled-back transaction per test.

LINLI_TEST_DATABASE_URL picks the database (PostgreSQL in CI's second run); the default
is a SQLite file in a temporary folder. The schema is built by the Alembic migrations,
so every run also proves them.
"""

import os
import uuid

import pytest
from flask_jwt_extended import create_access_token
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from linli import create_app
from linli.extensions import db, limiter
from tests.factories import World, build_world

TEST_DATABASE_URL = os.environ.get("LINLI_TEST_DATABASE_URL")


def _reset_postgres(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = TEST_DATABASE_URL or f"sqlite:///{instance / 'test.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_PROFILE": "fast",
            "RATELIMIT_STORAGE_URI": "memory://",
            "PWA_DIST": str(instance / "no-pwa"),
            # Cases wait in triage unless a routing test switches this on (monkeypatch).
            "AUTO_ROUTING": False,
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
        session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
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
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app) -> World:
    """A small city with one account per role; see tests/factories.py."""
    return build_world()


@pytest.fixture
def auth(app):
    """auth(user) → headers carrying a fresh access token for that user."""

    def headers(user, **extra):
        token = create_access_token(identity=str(user.id), additional_claims={"role": user.role.value})
        return {"Authorization": f"Bearer {token}", **extra}

    return headers


@pytest.fixture
def new_case(client, auth, world):
    """new_case(**fields) → a case reported through the API by resident_a (as JSON)."""

    def report(reporter=None, headers=None, **fields):
        body = {
            "category": "elderly_care",
            "title": "需要上门助浴",
            "description": "独居老人行动不便",
            "org_id": world.grid_a1.id,
            **fields,
        }
        response = client.post(
            "/api/v1/cases", json=body, headers={**auth(reporter or world.resident_a), **(headers or {})}
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return report


@pytest.fixture
def act(client, auth):
    """act(user, case_json, action, **body) → the response of a lifecycle action."""

    def perform(user, case, action, **body):
        body.setdefault("version", case["version"])
        return client.post(f"/api/v1/cases/{case['id']}/actions/{action}", json=body, headers=auth(user))

    return perform


def random_uuid() -> str:
    return str(uuid.uuid4())
