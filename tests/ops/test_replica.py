"""LINLI_REPLICA_DATABASE_URL: the figures (assessment, demand) read from a replica of the
primary, and every write still goes to the primary. The "replica" here is the primary
itself under a second engine: which engine ran each statement is what is checked."""

import pytest
from sqlalchemy import event

from linli import create_app
from linli.config import load_config
from linli.extensions import db
from tests.factories import build_world
from tests.support import API, own_apps

pytestmark = pytest.mark.commits


@pytest.fixture
def world(app):
    built = build_world()
    db.session.commit()
    return built


@pytest.fixture
def replica_app(app):
    """An app on the suite's database, with that database as its replica too."""
    settings = {
        k: app.config[k]
        for k in ("TESTING", "INSTANCE_PATH", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PWA_DIST")
    }
    settings["RATELIMIT_STORAGE_URI"] = "memory://"
    settings["SQLALCHEMY_BINDS"] = {"replica": settings["SQLALCHEMY_DATABASE_URI"]}
    with own_apps():
        replica = create_app(settings)
        yield replica
        with replica.app_context():
            for engine in db.engines.values():
                engine.dispose()


def statements_by_engine(app, fn) -> dict[str, list[str]]:
    seen = {"primary": [], "replica": []}
    with app.app_context():
        engines = {"primary": db.engines[None], "replica": db.engines["replica"]}
    listeners = {}
    for name, engine in engines.items():

        def keep(_conn, _cursor, statement, *_args, name=name):
            seen[name].append(statement)

        listeners[name] = keep
        event.listen(engine, "before_cursor_execute", keep)
    try:
        fn()
    finally:
        for name, engine in engines.items():
            event.remove(engine, "before_cursor_execute", listeners[name])
    return seen


@pytest.mark.parametrize(
    "path",
    [
        "/assessment?group_by=org&level=community",
        "/analytics/demand?by=category&level=community&granularity=month",
    ],
)
def test_figures_read_from_the_replica_and_agree_with_the_primary(
    replica_app, client, world, auth, new_case, path
):
    new_case()
    headers = auth(world.admin)
    on_primary = client.get(f"{API}{path}", headers=headers)

    answers = []
    seen = statements_by_engine(
        replica_app,
        lambda: answers.append(replica_app.test_client().get(f"{API}{path}", headers=headers)),
    )

    assert on_primary.status_code == answers[0].status_code == 200
    assert answers[0].get_json() == on_primary.get_json()
    figures = [s for s in seen["replica"] if "FROM cases" in s or "assessment_facts" in s]
    assert figures, seen["replica"]
    assert all(s.lstrip().upper().startswith(("SELECT", "WITH")) for s in figures)
    # The token check and the caller's account come from the primary, before the figures.
    assert any("FROM users" in s for s in seen["primary"])
    assert not [s for s in seen["primary"] if "FROM cases" in s and "GROUP BY" in s]


def test_a_case_report_writes_to_the_primary_only(replica_app, world, auth):
    body = {"category": "elderly_care", "title": "需要上门助浴", "description": "独居老人"}
    body["org_id"] = world.grid_a1.id
    answers = []
    seen = statements_by_engine(
        replica_app,
        lambda: answers.append(
            replica_app.test_client().post(
                f"{API}/cases", json=body, headers=auth(world.resident_a)
            )
        ),
    )

    assert answers[0].status_code == 201, answers[0].get_json()
    assert seen["replica"] == []
    assert any(s.startswith("INSERT INTO cases") for s in seen["primary"])


def test_the_replica_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LINLI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LINLI_DATABASE_URL", "postgresql+psycopg://linli@primary/linli")
    monkeypatch.setenv("LINLI_REPLICA_DATABASE_URL", "postgresql+psycopg://linli@standby/linli")

    binds = load_config()["SQLALCHEMY_BINDS"]

    assert binds["replica"]["url"] == "postgresql+psycopg://linli@standby/linli"
    assert binds["replica"]["pool_pre_ping"] is True


def test_without_a_replica_there_is_none(monkeypatch, tmp_path):
    monkeypatch.setenv("LINLI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LINLI_REPLICA_DATABASE_URL", raising=False)

    assert "SQLALCHEMY_BINDS" not in load_config()
