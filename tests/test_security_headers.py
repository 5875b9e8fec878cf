"""Issue 7, item 15: security headers on the app, the API and the docs; no cache keeps
personal answers; overlong request lines get a problem from the app, not gunicorn's page.
"""

import http.client
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linli.config import REPO_ROOT
from linli.errors import MAX_URL_BYTES
from tests.factories import PASSWORD
from tests.support import API, CASES, PROBLEM, assert_problem

BASELINE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def assert_baseline(response):
    for name, value in BASELINE.items():
        assert response.headers.get(name) == value, (name, dict(response.headers))
    policy = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy, policy
    return policy


def directives(policy: str) -> dict[str, str]:
    return {d.split()[0]: d.strip() for d in policy.split(";") if d.strip()}


@pytest.fixture
def pwa_dist(app, tmp_path, monkeypatch):
    """A built app shell to serve (the suite's app points at no build)."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>邻里</title><script type="module" src="/assets/a.js"></script>'
    )
    (tmp_path / "assets" / "a.js").write_text("console.log(1)")
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {})")
    monkeypatch.setitem(app.config, "PWA_DIST", str(tmp_path))
    return tmp_path


# --- the API ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["resident_a", "dispatcher_a", "admin"])
def test_personal_api_answers_are_never_stored_and_carry_the_baseline(
    client, auth, world, new_case, who
):
    case = new_case()
    user = getattr(world, who)
    for url in (
        f"{API}/me",
        CASES,
        f"{CASES}/{case['id']}",
        f"{CASES}/{case['id']}/events",
        f"{API}/notifications",
    ):
        response = client.get(url, headers=auth(user))

        assert response.status_code == 200, (url, response.get_json())
        assert response.headers["Cache-Control"] == "no-store", url
        assert directives(assert_baseline(response))["default-src"] == "default-src 'none'"


def test_tokens_from_login_are_never_stored(client, world):
    response = client.post(
        f"{API}/auth/login", json={"username": "resident_a", "password": PASSWORD}
    )

    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert_baseline(response)


def test_problems_carry_the_headers_too(client, auth, world):
    response = client.get(
        f"{CASES}/00000000-0000-4000-8000-000000000000", headers=auth(world.resident_a)
    )

    assert_problem(response, 404)
    assert response.headers["Cache-Control"] == "no-store"
    assert_baseline(response)


def test_a_photo_keeps_its_own_private_caching(client, auth, world, new_case):
    import io

    from PIL import Image

    case = new_case()
    image = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(image, format="PNG")
    uploaded = client.post(
        f"{CASES}/{case['id']}/attachments",
        headers=auth(world.resident_a),
        data={"file": (io.BytesIO(image.getvalue()), "p.png")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.get_json()

    response = client.get(
        f"{CASES}/{case['id']}/attachments/{uploaded.get_json()['id']}",
        headers=auth(world.resident_a),
    )

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=86400"
    assert_baseline(response)


# --- the docs -----------------------------------------------------------------------------


def test_the_docs_page_allows_only_its_own_inline_script(client):
    import base64
    import hashlib
    import re

    response = client.get("/api/docs")

    assert response.status_code == 200
    policy = directives(assert_baseline(response))
    (script,) = re.findall(r"<script>(.*?)</script>", response.get_data(as_text=True), re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert policy["script-src"] == f"script-src 'self' 'sha256-{digest}'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert policy["connect-src"] == "connect-src 'self'"


def test_the_docs_assets_keep_their_caching(client):
    response = client.get("/api/docs/static/swagger-ui.css")

    assert response.status_code == 200
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert_baseline(response)
    response.close()


# --- the app shell ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/cases/123", "/sw.js", "/assets/a.js"])
def test_the_app_shell_gets_a_policy_without_inline_code(client, pwa_dist, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = directives(assert_baseline(response))
    assert policy["script-src"] == "script-src 'self'"
    assert policy["object-src"] == "object-src 'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] != "no-store"  # the shell is cached on purpose
    response.close()


# --- request limits -----------------------------------------------------------------------


def test_an_overlong_url_is_a_414_problem(client, auth, world):
    response = client.get(
        CASES, query_string={"category": "x" * MAX_URL_BYTES}, headers=auth(world.dispatcher_a)
    )

    assert_problem(response, 414)
    assert_baseline(response)


def test_a_long_url_within_the_limit_is_answered_normally(client, auth, world):
    response = client.get(
        CASES, query_string={"pad": "y" * (MAX_URL_BYTES - 100)}, headers=auth(world.dispatcher_a)
    )

    assert response.status_code == 200, response.get_json()  # unknown parameters are ignored


def test_gunicorns_request_line_limit_is_above_the_apps():
    settings = runpy.run_path(str(REPO_ROOT / "deploy" / "gunicorn.conf.py"))
    # "GET " + URL + " HTTP/1.1": the longest URL the app answers fits in gunicorn's line.
    assert settings["limit_request_line"] >= MAX_URL_BYTES + len("DELETE  HTTP/1.1") + 100
    assert settings["limit_request_line"] <= 8190  # gunicorn's maximum
    assert settings["limit_request_field_size"] >= 4096


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn_server(tmp_path):
    """The app under gunicorn with the shipped deploy/gunicorn.conf.py."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed next to the interpreter")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(
        LINLI_BIND=f"127.0.0.1:{port}",
        LINLI_WORKERS="1",
        LINLI_THREADS="1",
        LINLI_INSTANCE_PATH=str(tmp_path),
        LINLI_PWA_DIST=str(tmp_path / "no-pwa"),
        LINLI_SECRET_KEY="gunicorn-test-secret-key-long-enough-for-hs256",
    )
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [str(gunicorn), "-c", str(REPO_ROOT / "deploy" / "gunicorn.conf.py"), "linli.wsgi:app"],
        env=env,
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)  # polling a starting process
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def _get(port: int, url: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", url)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_under_gunicorn_a_url_too_long_for_the_app_gets_the_apps_problem(gunicorn_server):
    url = f"{API}/categories?q=" + "x" * (MAX_URL_BYTES + 100)

    response = _get(gunicorn_server, url)

    assert response.status == 414
    assert response.getheader("Content-Type") == PROBLEM
    assert response.getheader("X-Content-Type-Options") == "nosniff"
