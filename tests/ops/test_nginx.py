"""The shipped nginx site (deploy/nginx/linli.conf), really started in front of gunicorn
(deploy/gunicorn.conf.py) serving the demo city, and spoken to over HTTPS.

nginx runs from a temporary prefix: its own pid, logs, temp folders, free loopback ports and
a self-signed certificate; the site file is the shipped one with those paths and ports put in.
Skipped, with the reason, without Debian's nginx or the built PWA.
"""

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from linli.config import load_config
from linli.security_headers import API_CSP, APP_CSP
from tests.ops.conftest import ROOT, linli_env, venv_tool

NGINX = Path("/usr/sbin/nginx")
SITE = ROOT / "deploy" / "nginx" / "linli.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
DIST = ROOT / "pwa" / "dist"
START_TIMEOUT = 30.0


def _missing() -> str | None:
    if not NGINX.exists():
        return f"needs Debian's nginx at {NGINX} (apt-get install nginx)"
    if not (DIST / "index.html").exists():
        return f"needs the built PWA: {DIST / 'index.html'} is missing (cd pwa && npm run build)"
    return None


@pytest.fixture
def _transaction():
    """These tests talk to servers."""
    yield


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def templated_site(site: str, replacements: dict[str, str]) -> str:
    """The shipped site with its server-specific lines replaced (each must be there)."""
    for line, replacement in replacements.items():
        assert line in site, f"{SITE.name} no longer has {line!r}: update this test"
        site = site.replace(line, replacement)
    return site


@dataclass
class Stack:
    https: str
    http: str
    folder: Path
    app_log: Path

    def access_log(self) -> str:
        return (self.folder / "access.log").read_text()

    def access_log_with(self, text: str, seconds: float = 5) -> str:
        """The access log once it holds `text`: nginx writes a request's line after the
        response has gone, so a client can read the log before it is there."""
        deadline = time.monotonic() + seconds
        while text not in (log := self.access_log()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return log


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=_tls()):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)  # polling a starting process
    raise RuntimeError(f"nothing answered at {url}:\n{log.read_text()}")


def _tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return context


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def stack(demo_instance, tmp_path_factory) -> Iterator[Stack]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("nginx")
    instance = folder / "instance"
    shutil.copytree(demo_instance, instance)
    app_port, http_port, https_port = _free_port(), _free_port(), _free_port()

    app_log = folder / "app.log"
    env = linli_env(
        instance,
        LINLI_BIND=f"127.0.0.1:{app_port}",
        LINLI_WORKERS="1",
        LINLI_THREADS="4",
        LINLI_TRUST_PROXY="1",
        LINLI_PWA_DIST=str(folder / "no-pwa"),  # nginx serves the app, never gunicorn
        LINLI_RATELIMIT_STORAGE_URI="memory://",
    )
    with open(app_log, "wb") as out:
        app = subprocess.Popen(
            [venv_tool("gunicorn"), "-c", str(GUNICORN_CONF), "linli.wsgi:app"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    nginx = None
    try:
        _self_signed_certificate(folder)
        site = templated_site(
            SITE.read_text(),
            {
                "server 127.0.0.1:5000;": f"server 127.0.0.1:{app_port};",
                "listen 80;": f"listen 127.0.0.1:{http_port};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
                "listen [::]:80;": "",
                "listen [::]:443 ssl http2;": "",
                "root /srv/linli/app/pwa/dist;": f"root {DIST};",
                "/var/log/nginx/linli.access.log": str(folder / "access.log"),
                "/etc/letsencrypt/live/linli.example.org/fullchain.pem": str(folder / "cert.pem"),
                "/etc/letsencrypt/live/linli.example.org/privkey.pem": str(folder / "key.pem"),
            },
        )
        (folder / "linli.conf").write_text(site)
        _write_nginx_conf(folder)
        nginx_log = folder / "nginx.out"
        with open(nginx_log, "wb") as out:
            nginx = subprocess.Popen(
                [
                    str(NGINX),
                    "-p",
                    str(folder),
                    "-c",
                    str(folder / "nginx.conf"),
                    "-g",
                    "daemon off;",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        https = f"https://127.0.0.1:{https_port}"
        _wait_for(https + "/healthz", app, app_log)
        _wait_for(https + "/index.html", nginx, nginx_log)
        yield Stack(
            https=https, http=f"http://127.0.0.1:{http_port}", folder=folder, app_log=app_log
        )
    finally:
        if nginx is not None:
            _stop(nginx)
        _stop(app)


def _self_signed_certificate(folder: Path) -> None:
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=linli.example.org"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
            *("-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )


def _write_nginx_conf(folder: Path) -> None:
    """A main nginx.conf of the test's own (pid, logs, temp folders), including the site."""
    temp_paths = ""
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / kind).mkdir()
        temp_paths += f"  {kind}_temp_path {folder / kind};\n"
    # As root (CI), workers would become "nobody", who may not enter these root-only
    # temporary folders: they stay root, as the master is.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} info;\n"
        "worker_processes 1;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "  include /etc/nginx/mime.types;\n"
        "  default_type application/octet-stream;\n"
        f"{temp_paths}"
        f"  include {folder / 'linli.conf'};\n"
        "}\n"
    )


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)


def call(url: str, method: str = "GET", body=None, headers: dict | None = None) -> Answer:
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/json"} if data else {}
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=_tls()), _NoRedirects()
    )
    try:
        with opener.open(request, timeout=10) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


def assert_pwa_security_headers(answer: Answer) -> None:
    assert answer.headers.get_all("Content-Security-Policy") == [APP_CSP]
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"


def test_the_app_shell_and_its_client_routes_are_never_cached(stack):
    shell = call(stack.https + "/")
    client_route = call(stack.https + "/cases/42")

    for answer in (shell, client_route):
        assert answer.status == 200
        assert answer.headers.get_content_type() == "text/html"
        assert b'<div id="app">' in answer.body
        assert answer.headers["Cache-Control"] == "no-cache"
        assert_pwa_security_headers(answer)


def test_the_service_worker_and_manifest_are_never_cached(stack):
    worker = call(stack.https + "/sw.js")
    manifest = call(stack.https + "/manifest.webmanifest")

    assert worker.status == manifest.status == 200
    assert worker.headers["Cache-Control"] == manifest.headers["Cache-Control"] == "no-cache"
    assert worker.headers.get_content_type() == "application/javascript"
    assert manifest.headers.get_content_type() == "application/manifest+json"


def test_hashed_assets_are_cached_a_year_and_travel_compressed(stack):
    script = next((DIST / "assets").glob("index-*.js"))

    answer = call(stack.https + f"/assets/{script.name}", headers={"Accept-Encoding": "gzip"})

    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Content-Encoding"] == "gzip"
    assert_pwa_security_headers(answer)


def test_plain_http_is_sent_to_https(stack):
    answer = call(stack.http + "/cases/42?tab=timeline")

    assert answer.status == 301
    assert answer.headers["Location"].startswith("https://")
    assert answer.headers["Location"].endswith("/cases/42?tab=timeline")


def test_sign_in_and_read_a_case_through_nginx(stack):
    login = call(
        stack.https + "/api/v1/auth/login",
        "POST",
        {"username": "dispatcher1", "password": "linli-demo"},
    )
    assert login.status == 200, login.body
    token = {"Authorization": f"Bearer {login.json()['access_token']}"}
    first = call(stack.https + "/api/v1/cases?limit=1", headers=token).json()["items"][0]

    case = call(stack.https + f"/api/v1/cases/{first['id']}", headers=token)

    assert case.status == 200
    assert case.json()["id"] == first["id"]
    # The app's own headers on its answers, each once.
    assert case.headers.get_all("Content-Security-Policy") == [API_CSP]
    assert case.headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert case.headers["Cache-Control"] == "no-store"
    assert case.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_health_and_readiness_through_nginx(stack):
    assert call(stack.https + "/healthz").json() == {"status": "ok"}
    assert call(stack.https + "/readyz").json()["status"] == "ready"


def test_a_problem_carries_nginx_request_id_into_both_logs(stack):
    missing = call(stack.https + f"/api/v1/cases/{uuid.uuid4()}", headers={"Authorization": ""})

    assert missing.status == 401
    assert missing.headers.get_content_type() == "application/problem+json"
    request_id = missing.headers["X-Request-ID"]
    assert len(request_id) == 32  # nginx's $request_id, which the app took and echoed
    assert missing.json()["request_id"] == request_id
    app_lines = [
        json.loads(line) for line in stack.app_log.read_text().splitlines() if line[:1] == "{"
    ]
    assert {
        (line.get("route"), line.get("status"))
        for line in app_lines
        if line.get("request_id") == request_id
    } == {("/api/v1/cases/<uuid:case_id>", 401)}
    assert request_id in stack.access_log_with(request_id)


def test_a_body_over_the_limit_is_refused_by_nginx(stack, tmp_path):
    limit = load_config({"SECRET_KEY": "x" * 32, "INSTANCE_PATH": str(tmp_path)})[
        "MAX_CONTENT_LENGTH"
    ]
    host, port = stack.https.removeprefix("https://").split(":")
    connection = http.client.HTTPSConnection(host, int(port), context=_tls(), timeout=10)
    # Headers only: nginx answers on the length, before any of the body is sent.
    connection.putrequest("POST", "/api/v1/cases/00000000-0000-0000-0000-000000000000/attachments")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(limit + 1))
    connection.endheaders()
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()

    assert response.status == 413
    assert response.headers.get_content_type() == "application/problem+json"
    assert body["status"] == 413
    assert len(body["request_id"]) == 32
    nginx_limit = re.search(r"client_max_body_size (\d+)m;", SITE.read_text())
    assert int(nginx_limit.group(1)) * 1024 * 1024 == limit  # the app's MAX_CONTENT_LENGTH

    within = http.client.HTTPSConnection(host, int(port), context=_tls(), timeout=10)
    within.request(
        "POST", "/api/v1/auth/login", body=b"x" * 1000, headers={"Content-Type": "text/plain"}
    )
    assert within.getresponse().status == 415  # the app's refusal: nginx let it through
    within.close()
