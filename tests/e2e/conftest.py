"""End-to-end fixtures: the real backend (gunicorn, SQLite, demo city) serving the
production build of the PWA, driven by Debian's Chromium through pytest-playwright.

Run: `.venv/bin/python -m pytest tests/e2e -m e2e` (after `cd pwa && npm run build`).
The folder is skipped, with the reason, when /usr/bin/chromium or pwa/dist is missing.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

E2E_DIR = Path(__file__).resolve().parent
ROOT = E2E_DIR.parents[1]
DIST = ROOT / "pwa" / "dist"
CHROMIUM = "/usr/bin/chromium"
# From /work/shared/PWA-NOTES.md: what works as root in a sandbox with no outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
PASSWORD = "linli-demo"
SERVER_START_TIMEOUT = 30.0


def _missing_prerequisite() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"end-to-end tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if not (DIST / "index.html").exists():
        return (
            f"end-to-end tests need the built app: {DIST / 'index.html'} is missing "
            "(cd pwa && npm run build)"
        )
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing_prerequisite()
    if not reason:
        return
    wanted = "not e2e" not in (config.getoption("markexpr") or "")
    if (
        os.environ.get("CI") == "true"
        and wanted
        and any(E2E_DIR in Path(str(item.path)).parents for item in items)
    ):
        # CI proves the app in a browser; a missing browser or build is a failure there.
        raise pytest.UsageError(f"CI=true: {reason}")
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failing end-to-end test shows the end of the server's log next to the browser's story."""
    report = yield
    server = getattr(item, "funcargs", {}).get("live_server")
    if report.failed and isinstance(server, LiveServer) and server.log.exists():
        tail = server.log.read_text(errors="replace").splitlines()[-60:]
        report.sections.append(("linli server log (last 60 lines)", "\n".join(tail)))
    return report


@pytest.fixture(autouse=True)
def _transaction():
    """Overrides the suite's per-test database transaction: these tests talk to a server."""
    yield


# --- The server -----------------------------------------------------------------


def _venv_tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found next to {sys.executable} nor on PATH")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(instance: Path) -> dict[str, str]:
    """A clean environment: always SQLite in a fresh instance folder, whatever the caller set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(
        LINLI_ENV="development",
        LINLI_INSTANCE_PATH=str(instance),
        LINLI_PWA_DIST=str(DIST),
        LINLI_SECRET_KEY="e2e-secret-key-" + uuid.uuid4().hex,
        LINLI_LOGIN_LIMIT_PER_ACCOUNT="1000 per minute",
        LINLI_LOGIN_LIMIT_PER_ADDRESS="1000 per minute",
        # The demo's residents report in many tests of one run (the limit has its own tests).
        LINLI_REPORT_LIMIT_PER_RESIDENT="1000 per hour",
        LINLI_RATELIMIT_STORAGE_URI="memory://",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class LiveServer:
    url: str
    log: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def api(self) -> str:
        return self.url + "/api/v1"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    reason = _missing_prerequisite()
    if reason:
        pytest.skip(reason)
    instance = tmp_path_factory.mktemp("e2e-instance")
    env = _server_env(instance)
    linli = _venv_tool("linli")
    for command in (["db", "upgrade"], ["demo", "seed"]):
        done = subprocess.run(
            [linli, *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"linli {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = instance / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                _venv_tool("gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "8",
                "--timeout",
                "60",
                "--access-logfile",
                "-",
                "--error-logfile",
                "-",
                *_no_control_socket(),
                "linli.wsgi:app",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(url=url, log=log, process=process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _no_control_socket() -> list[str]:
    """gunicorn ≥ 27 opens a control socket at one path per user (~/.gunicorn/gunicorn.ctl),
    shared with every other gunicorn on the machine: the test server does without."""
    try:
        major = int(importlib.metadata.version("gunicorn").split(".")[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return []
    return ["--no-control-socket"] if major >= 27 else []


def _wait_until_up(server: LiveServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the server exited ({server.process.returncode}):\n{server.log.read_text()}"
            )
        try:
            with urllib.request.urlopen(server.api + "/categories", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last = error
        time.sleep(0.1)  # polling a starting process, not waiting for the app
    raise RuntimeError(
        f"the server did not answer at {server.url}: {last}\n{server.log.read_text()}"
    )


# --- The API, for preparing and checking what the UI did ---------------------------


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


class Api:
    """A tiny JSON client (stdlib only) against the server under test."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._tokens: dict[str, str] = {}

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        data = None
        all_headers = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            self.base + path, data=data, headers=all_headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                status, response_headers = response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            with error:
                raw = error.read()
                status, response_headers = error.code, dict(error.headers)
        return Reply(status, json.loads(raw) if raw else None, response_headers)

    def token(self, username: str) -> str:
        if username not in self._tokens:
            credentials = {"username": username, "password": PASSWORD}
            reply = self.call("POST", "/auth/login", body=credentials)
            assert reply.status == 200, reply
            self._tokens[username] = reply.body["access_token"]
        return self._tokens[username]

    def as_user(self, username: str, method: str, path: str, **kwargs: Any) -> Reply:
        reply = self.call(method, path, token=self.token(username), **kwargs)
        if reply.status == 401:  # the cached access token expired: sign in again once
            self._tokens.pop(username, None)
            reply = self.call(method, path, token=self.token(username), **kwargs)
        return reply

    def get(self, username: str, path: str) -> Any:
        reply = self.as_user(username, "GET", path)
        assert reply.status == 200, (path, reply)
        return reply.body

    def me(self, username: str) -> dict:
        return self.get(username, "/me")

    def case_ids(self, username: str, **filters: Any) -> list[str]:
        """Every case id the user can list with these filters (all pages)."""
        ids: list[str] = []
        cursor = None
        while True:
            query = {"limit": 100, **filters, **({"cursor": cursor} if cursor else {})}
            page = self.get(username, "/cases?" + urllib.parse.urlencode(query))
            ids += [c["id"] for c in page["items"]]
            cursor = page.get("next_cursor")
            if not cursor:
                return ids

    def report(self, username: str, **fields: Any) -> dict:
        org_id = fields.pop("org_id", None) or self.me(username)["org_id"]
        body = {
            "category": "elderly_care",
            "title": "需要上门助浴",
            "description": "独居老人行动不便",
            "org_id": org_id,
            **fields,
        }
        reply = self.as_user(
            username, "POST", "/cases", body=body, headers={"Idempotency-Key": str(uuid.uuid4())}
        )
        assert reply.status == 201, reply
        return reply.body

    def act(self, username: str, case_id: str, action: str, **body: Any) -> dict:
        if "version" not in body:
            body["version"] = self.get(username, f"/cases/{case_id}")["version"]
        reply = self.as_user(username, "POST", f"/cases/{case_id}/actions/{action}", body=body)
        assert reply.status == 200, (action, reply)
        return reply.body


@pytest.fixture(scope="session")
def api(live_server: LiveServer) -> Api:
    return Api(live_server.api)


# --- The browser (pytest-playwright, with Debian's Chromium) ---------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


PHONE = {
    "service_workers": "allow",
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, base_url: str) -> dict:
    return {**browser_context_args, **PHONE, "base_url": base_url}


# --- Driving the app ----------------------------------------------------------------


class AppUi:
    """What the tests do with the app: sign in and out, wait for the worker, read IndexedDB."""

    def __init__(self, live_server: LiveServer) -> None:
        self.url = live_server.url

    def sign_in(self, page: Page, username: str, password: str = PASSWORD) -> None:
        if not page.url.startswith(self.url):
            page.goto("/")
        page.get_by_test_id("login-username").fill(username)
        page.get_by_test_id("login-password").fill(password)
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("logout")).to_be_visible()

    def sign_out(self, page: Page) -> None:
        page.get_by_test_id("logout").click()
        expect(page.get_by_test_id("login-submit")).to_be_visible()

    def wait_for_service_worker(self, page: Page) -> None:
        """Wait until the worker is active, then reload once so that it controls the page."""
        page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
        if not page.evaluate("!!navigator.serviceWorker.controller"):
            page.reload()
        page.wait_for_function("!!navigator.serviceWorker.controller")

    def user_id(self, page: Page) -> int:
        return page.evaluate("JSON.parse(localStorage.getItem('linli.session')).user.id")

    def outbox(self, page: Page) -> list[dict]:
        """The signed-in user's outbox, straight from IndexedDB (`linli-<userId>`, `outbox`)."""
        return page.evaluate(
            """(name) => new Promise((resolve, reject) => {
                const open = indexedDB.open(name);
                open.onerror = () => reject(open.error);
                open.onsuccess = () => {
                    const db = open.result;
                    const req = db.transaction('outbox').objectStore('outbox').getAll();
                    req.onsuccess = () => { db.close(); resolve(req.result); };
                    req.onerror = () => { db.close(); reject(req.error); };
                };
            })""",
            f"linli-{self.user_id(page)}",
        )

    def shown_case_ids(self, page: Page) -> list[str]:
        return page.locator("[data-testid=case-item]").evaluate_all(
            "els => els.map(e => e.dataset.caseId)"
        )


@pytest.fixture(scope="session")
def app_ui(live_server: LiveServer) -> AppUi:
    return AppUi(live_server)


# The app syncs in the background: give conditions a little more than the 5 s default.
expect.set_options(timeout=15_000)


@pytest.fixture
def persistent_context(browser_type, base_url: str, tmp_path: Path) -> Iterator[BrowserContext]:
    """A phone with a real (persistent) profile: what installability checks need."""
    context = browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        base_url=base_url,
        **PHONE,
    )
    yield context
    context.close()
