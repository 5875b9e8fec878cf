"""Issue 7, items 16, 17, 19 and 20 in the browser: what sign-out leaves on the phone, two
tabs sharing one session, refused writes in Chinese, and a render error that keeps the outbox."""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from linli.errors import field_error_codes
from tests.e2e.screens import shoot

pytestmark = pytest.mark.e2e

PROBLEMS = "https://linli.example.org/problems/"


def databases(page: Page) -> list[str]:
    return page.evaluate("indexedDB.databases().then(ds => ds.map(d => d.name))")


def store_count(page: Page, db: str, store: str) -> int:
    return page.evaluate(
        """([name, store]) => new Promise((resolve, reject) => {
            const open = indexedDB.open(name);
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const req = open.result.transaction(store).objectStore(store).count();
                req.onsuccess = () => { open.result.close(); resolve(req.result); };
            };
        })""",
        [db, store],
    )


def report_need(page: Page, title: str) -> None:
    page.get_by_test_id("nav-report").click()
    page.get_by_test_id("report-category-community_meals").click()
    page.get_by_test_id("report-title").fill(title)
    page.get_by_test_id("report-description").fill("中午排队四十分钟，老人站不住。")
    page.get_by_test_id("report-submit").click()
    expect(page).to_have_url(re.compile(r"/cases\?reported="))


# --- 16: sign-out -----------------------------------------------------------------


def test_sign_out_deletes_the_users_offline_copy(page: Page, app_ui):
    app_ui.sign_in(page, "resident3")
    expect(page.locator("[data-testid=case-item]").first).to_be_visible()
    page.locator("[data-testid=case-item] a").first.click()
    expect(page.get_by_test_id("case-timeline")).to_be_visible()  # the case itself, not its row
    db = f"linli-{app_ui.user_id(page)}"
    assert store_count(page, db, "cases") > 0

    app_ui.sign_out(page)  # nothing unsent: no question asked
    expect(page.get_by_test_id("logout-dialog")).to_have_count(0)
    gone_by = time.monotonic() + 10
    while db in databases(page) and time.monotonic() < gone_by:
        page.wait_for_timeout(100)  # polling IndexedDB, which has no event for a deleted database
    assert db not in databases(page)
    assert page.evaluate("localStorage.getItem('linli.session')") is None


def test_sign_out_with_unsent_writes_asks_and_keeps_only_those(
    page: Page, context: BrowserContext, app_ui, api
):
    app_ui.sign_in(page, "resident4")
    expect(page.locator("[data-testid=case-item]").first).to_be_visible()
    db = f"linli-{app_ui.user_id(page)}"
    page.route("**/api/v1/cases", lambda route: route.abort("internetdisconnected"))
    report_need(page, "楼道灯坏了")
    expect(page.get_by_test_id("outbox-pending")).to_have_text("1")
    assert store_count(page, db, "lists") > 0

    page.get_by_test_id("logout").click()
    dialog = page.get_by_test_id("logout-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("还有 1 条内容未发送")
    shoot(page, "logout-dialog", (360, 1280))
    page.get_by_test_id("logout-cancel").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("logout")).to_be_visible()  # still signed in

    page.get_by_test_id("logout").click()
    page.get_by_test_id("logout-confirm").click()
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    # The write waits on the phone; what the server sent (cases, lists) is gone.
    assert store_count(page, db, "outbox") == 1
    assert store_count(page, db, "cases") == 0
    assert store_count(page, db, "lists") == 0

    page.unroute("**/api/v1/cases")
    # The badge reads 0 before the outbox is opened, so wait for the send itself.
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/cases") and r.request.method == "POST"
    ) as sent:
        app_ui.sign_in(page, "resident4")
    assert sent.value.status == 201
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
    titles = [c["title"] for c in api.get("resident4", "/cases?mine=true&limit=100")["items"]]
    assert titles.count("楼道灯坏了") == 1


# --- 17: two tabs -----------------------------------------------------------------


def _refused_once(route: Route) -> None:
    route.fulfill(
        status=401,
        content_type="application/problem+json",
        body=json.dumps(
            {
                "type": "about:blank",
                "title": "Unauthorized",
                "status": 401,
                "detail": "token has expired",
            }
        ),
    )


def _reload_list(page: Page) -> None:
    """Leave the list and come back: the list asks the server again (until it answers 200)."""
    page.get_by_test_id("nav-notifications").click()
    with page.expect_response(lambda r: "/api/v1/cases?" in r.url and r.status == 200):
        page.get_by_test_id("nav-cases").click()


def _until_count(page: Page, seen: list, n: int) -> None:
    """Events reach Python in their own time: wait (briefly) until `n` have come."""
    deadline = time.monotonic() + 5
    while len(seen) < n and time.monotonic() < deadline:
        page.wait_for_timeout(50)


def test_a_second_tab_keeps_its_session_when_the_first_refreshes(context: BrowserContext, app_ui):
    first = context.new_page()
    app_ui.sign_in(first, "resident5")
    second = context.new_page()
    second.goto("/")
    expect(second.get_by_test_id("logout")).to_be_visible()
    refreshes: list[tuple[str, str]] = []
    for name, tab in (("first", first), ("second", second)):
        tab.on(
            "request",
            lambda r, name=name: (
                r.url.endswith("/auth/refresh")
                and refreshes.append((name, r.headers.get("authorization", "")))
            ),
        )

    # The first tab's access token "expires": it refreshes, and the server revokes the old refresh token.
    first.route(re.compile(r"/api/v1/cases\?"), _refused_once, times=1)
    _reload_list(first)
    _until_count(first, refreshes, 1)
    assert [n for n, _ in refreshes] == ["first"]

    # The second tab's token expires too: it must use the tokens the first tab stored.
    second.route(re.compile(r"/api/v1/cases\?"), _refused_once, times=1)
    _reload_list(second)
    _until_count(second, refreshes, 2)
    assert [n for n, _ in refreshes] == ["first", "second"]
    assert refreshes[1][1] != refreshes[0][1], "the second tab sent the refresh token already used"
    for tab in (first, second):
        expect(tab.get_by_test_id("relogin")).to_have_count(0)
        _reload_list(tab)

    # Signing out in one tab signs out the other.
    app_ui.sign_out(second)
    expect(first.get_by_test_id("login-submit")).to_be_visible()


# --- 19: refused writes in Chinese ------------------------------------------------------


def test_a_refused_write_is_explained_in_chinese(page: Page, app_ui):
    app_ui.sign_in(page, "resident6")
    errors = {"title": ["Longer than maximum length 200."], "org_id": ["outside your area"]}
    refusal = {
        "type": PROBLEMS + "validation",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "The request has invalid fields; see errors.",
        "instance": "/api/v1/cases",
        "errors": errors,
        "codes": field_error_codes(errors),  # as the server sends them
    }
    page.route(
        "**/api/v1/cases",
        lambda route: route.fulfill(
            status=422, content_type="application/problem+json", body=json.dumps(refusal)
        ),
    )
    report_need(page, "健身器材损坏")
    # Residents have no outbox tab: the ⟳ badge opens it while something waits.
    expect(page.get_by_test_id("nav-outbox")).to_have_count(0)
    page.get_by_test_id("sync-now").click()
    expect(page).to_have_url(re.compile(r"/outbox$"))
    item = page.locator("[data-testid=outbox-item][data-state=needs_attention]")
    expect(item).to_be_visible()
    expect(item.get_by_test_id("outbox-problem")).to_have_text("有些内容需要修改。")
    expect(item).to_contain_text("最多 200 个字")
    expect(item).to_contain_text("社区或网格：不在你的辖区内")
    text = item.inner_text()
    for english in ("invalid fields", "Longer than", "org_id", "outside your area"):
        assert english not in text
    shoot(page, "outbox-refused", (360, 1280))
    page.unroute("**/api/v1/cases")
    page.once("dialog", lambda d: d.accept())
    item.get_by_test_id("outbox-discard").click()
    expect(item).to_have_count(0)


# --- 20: a render error -----------------------------------------------------------------


def test_a_render_error_shows_a_page_in_chinese_and_keeps_the_outbox(page: Page, app_ui, api):
    app_ui.sign_in(page, "resident7")
    expect(page.locator("[data-testid=case-item]").first).to_be_visible()
    page.route("**/api/v1/cases", lambda route: route.abort("internetdisconnected"))
    report_need(page, "小区门禁失灵")
    expect(page.get_by_test_id("outbox-pending")).to_have_text("1")
    before = [(w["id"], w["body"]) for w in app_ui.outbox(page)]

    # A case the server answers in a shape the page cannot draw (a bug on either side).
    case_id = api.case_ids("resident7", mine="true")[0]
    broken = re.compile(rf"/api/v1/cases/{case_id}$")
    page.route(
        broken,
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps({"id": case_id, "state": "submitted", "version": 1}),
        ),
    )
    page.goto(f"/cases/{case_id}")
    crash = page.get_by_test_id("crash")
    expect(crash).to_be_visible()
    expect(crash.locator("h1")).to_have_text("页面出错了")
    expect(page.get_by_test_id("crash-pending")).to_have_text("本机有 1 条内容等待发送。")
    expect(page.get_by_test_id("outbox-pending")).to_have_text("1")  # the header still works
    shoot(page, "crash", (360, 1280))
    assert [(w["id"], w["body"]) for w in app_ui.outbox(page)] == before  # retried, never dropped

    page.unroute(broken)
    page.get_by_test_id("crash-home").click()
    expect(page.locator("[data-testid=case-item]").first).to_be_visible()
    page.unroute("**/api/v1/cases")
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
