"""GET /healthz and /readyz: the process, then the database and its schema."""

import pytest
from sqlalchemy import text

from linli import create_app
from linli.extensions import db
from tests.support import own_apps


def test_healthz_answers_without_the_database(app, client, statements):
    responses = []

    with app.app_context():
        assert statements(lambda: responses.append(client.get("/healthz"))) == 0
    assert responses[0].status_code == 200
    assert responses[0].get_json() == {"status": "ok"}


def test_readyz_when_migrated(client):
    with client.application.app_context():
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "revision": revision}


def _bare_app(tmp_path, database_url):
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


@pytest.fixture
def _transaction():
    """These tests build apps of their own (other databases), outside the suite's transaction."""
    with own_apps():  # the suite's app gets its limiter and Api back after
        yield


def test_readyz_refuses_a_database_not_migrated(tmp_path):
    app = _bare_app(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}")

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    body = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert body["reason"] == "migrations_not_at_head"
    assert "at revision none" in body["detail"]
    assert "linli db upgrade" in body["detail"]


def test_readyz_refuses_an_unreachable_database(tmp_path):
    # A port nothing listens on (the discard port on loopback), with a short timeout.
    url = "postgresql+psycopg://linli:secret-password@127.0.0.1:9/linli?connect_timeout=2"
    app = _bare_app(tmp_path, url)

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["reason"] == "database_unreachable"
    assert "secret-password" not in response.get_data(as_text=True)
    assert body["request_id"] == response.headers["X-Request-ID"]
