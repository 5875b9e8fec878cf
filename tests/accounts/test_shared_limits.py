"""Rate limits held in the database (`database://`, the default): every worker sees one count.

Real commits (the storage writes on a connection of its own), so rows are deleted after.
"""

import pytest
import time_machine
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import func, select

from linli import create_app
from linli.accounts.models import RateLimitCounter
from linli.extensions import db
from tests.factories import PASSWORD, build_world
from tests.support import API, assert_problem, own_apps

pytestmark = pytest.mark.commits


@pytest.fixture
def world(app):
    built = build_world()
    db.session.commit()
    return built


@pytest.fixture
def start_worker(app, monkeypatch):
    """start_worker() → a new app on the same database with the default (shared) storage."""
    settings = {
        k: app.config[k]
        for k in (
            "TESTING",
            "INSTANCE_PATH",
            "SECRET_KEY",
            "SQLALCHEMY_DATABASE_URI",
            "PASSWORD_HASH_PROFILE",
            "PWA_DIST",
        )
    }

    monkeypatch.delenv("LINLI_RATELIMIT_STORAGE_URI", raising=False)

    workers = []

    def start():
        worker = create_app(settings)
        assert worker.config["RATELIMIT_STORAGE_URI"] == "database://"
        workers.append(worker)
        return worker

    with own_apps():
        yield start
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()


def wrong_login(worker, username):
    return worker.test_client().post(
        f"{API}/auth/login", json={"username": username, "password": "wrong-password"}
    )


def test_two_workers_on_one_database_share_the_failed_login_count(world, start_worker):
    first = start_worker()
    for _ in range(3):
        assert_problem(wrong_login(first, "resident_a"), 401)

    # A second process starts with a storage of its own; in memory it would count from zero.
    second = start_worker()
    for _ in range(2):
        assert_problem(wrong_login(second, "+86 139 0000 0001"), 401)

    refused = wrong_login(first, "resident_a")
    assert_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) > 0
    right = second.test_client().post(
        f"{API}/auth/login", json={"username": "13900000001", "password": PASSWORD}
    )
    assert_problem(right, 429)


def test_the_database_storage_counts_in_fixed_windows(app):
    storage = storage_from_string("database://")
    strategy = FixedWindowRateLimiter(storage)
    limit = parse("2 per minute")
    with app.test_request_context():
        assert storage.check()
        with time_machine.travel("2026-12-01 08:00:00+00:00", tick=False):
            assert strategy.hit(limit, "13900000001")
            assert strategy.hit(limit, "13900000001")
            assert not strategy.hit(limit, "13900000001")
            assert strategy.hit(limit, "13900000002")  # another key has its own count
            assert strategy.get_window_stats(limit, "13900000001").remaining == 0
        with time_machine.travel("2026-12-01 08:01:01+00:00", tick=False):
            assert strategy.hit(limit, "13900000001")  # a new window
        storage.clear(limit.key_for("13900000002"))
        assert storage.get(limit.key_for("13900000002")) == 0
        # The keys name phone numbers: only their digests are stored.
        stored = " ".join(db.session.scalars(select(RateLimitCounter.key)))
        assert "13900000001" not in stored
        assert storage.reset() >= 1
        assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0
