"""LINLI_TRUST_PROXY=1: the client's address and scheme come from nginx's X-Forwarded-*."""

import pytest
from flask import request

from linli import create_app
from tests.support import own_apps

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


@pytest.fixture
def _transaction():
    """The app here is one of the test's own."""
    with own_apps():  # the suite's app gets its limiter and Api back after
        yield


def _seen_by(trust_proxy: bool, tmp_path) -> str:
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            "TRUST_PROXY": trust_proxy,
        }
    )
    app.add_url_rule("/seen", "seen", lambda: f"{request.scheme} {request.remote_addr}")
    return app.test_client().get("/seen", headers=FORWARDED).get_data(as_text=True)


def test_behind_a_proxy_the_forwarded_client_is_seen(tmp_path):
    assert _seen_by(True, tmp_path) == "https 203.0.113.7"


def test_without_the_setting_forwarded_headers_are_ignored(tmp_path):
    assert _seen_by(False, tmp_path) == "http 127.0.0.1"
