"""The operations console's accounts screen (issue 11) at a desktop's and a phone's width:
a street admin finds an account of its street, deactivates it (its token stops working at
once) and resets a password; the account replaces the one-time password at first sign-in."""

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.screens import shoot

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a-console-made-password"


def _new_dispatcher(api) -> tuple[str, str]:
    """A dispatcher in streetadmin1's street, made through the API; its username and token."""
    community = next(
        o
        for o in api.call("GET", "/orgs").body
        if o["kind"] == "community" and o["parent_id"] == api.me("streetadmin1")["org_id"]
    )
    username = f"console-{uuid.uuid4().hex[:8]}"
    created = api.as_user(
        "admin1",
        "POST",
        "/users",
        body={
            "username": username,
            "password": NEW_PASSWORD,
            "display_name": "控制台测试",
            "role": "dispatcher",
            "org_id": community["id"],
        },
    )
    assert created.status == 201, created
    login = api.call("POST", "/auth/login", body={"username": username, "password": NEW_PASSWORD})
    return username, login.body["access_token"]


@pytest.mark.parametrize("width", [1280, 360])
def test_a_street_admin_deactivates_and_resets_an_account(page: Page, app_ui, api, width):
    page.set_viewport_size({"width": width, "height": 900})
    username, token = _new_dispatcher(api)
    assert api.call("GET", "/cases", token=token).status == 200

    app_ui.sign_in(page, "streetadmin1")
    page.get_by_test_id("nav-console").click()
    expect(page.get_by_role("heading", name="用户")).to_be_visible()
    page.get_by_test_id("user-search").fill(username)
    page.get_by_test_id("user-search-submit").click()
    row = page.locator(f"[data-testid=user-item][data-username='{username}']")
    expect(row).to_have_count(1)
    expect(page.get_by_test_id("user-item")).to_have_count(1)

    row.get_by_test_id("user-toggle").click()
    expect(row).to_have_attribute("data-active", "false")
    expect(row.get_by_test_id("user-inactive")).to_have_text("已停用")
    assert api.call("GET", "/cases", token=token).status == 401
    row.get_by_test_id("user-toggle").click()
    expect(row).to_have_attribute("data-active", "true")
    assert api.call("GET", "/cases", token=token).status == 401  # no old token comes back

    row.get_by_test_id("user-reset").click()
    one_time = row.get_by_test_id("one-time-password")
    expect(one_time).to_be_visible()
    shoot(page, "console-users")
    password = one_time.inner_text()

    app_ui.sign_out(page)
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("password-form")).to_be_visible()
    shoot(page, "console-password")
    page.get_by_test_id("password-current").fill(password)
    page.get_by_test_id("password-new").fill("my-very-own-password")
    page.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("logout")).to_be_visible()
    expect(page.get_by_test_id("nav-queue")).to_be_visible()


def test_the_console_is_the_admins(page: Page, app_ui):
    app_ui.sign_in(page, "officer1")
    expect(page.get_by_test_id("nav-queue")).to_be_visible()
    expect(page.get_by_test_id("nav-console")).to_have_count(0)
    page.goto("/console/users")
    expect(page.get_by_test_id("user-list")).to_have_count(0)


@pytest.mark.parametrize("width", [1280, 360])
def test_a_street_admin_adds_a_grid_and_moves_it(page: Page, app_ui, api, width):
    page.set_viewport_size({"width": width, "height": 900})
    street_id = api.me("streetadmin1")["org_id"]
    communities = [
        o
        for o in api.call("GET", "/orgs").body
        if o["kind"] == "community" and o["parent_id"] == street_id
    ]
    first, second = communities[0], communities[1]
    code = f"e2e-{uuid.uuid4().hex[:6]}"

    app_ui.sign_in(page, "streetadmin1")
    page.get_by_test_id("nav-console").click()
    page.get_by_test_id("console-orgs").click()
    community = page.locator(f"[data-testid=org-item][data-code='{first['code']}']")
    community.get_by_test_id("org-edit").click()
    community.get_by_test_id("org-child-code").fill(code)
    community.get_by_test_id("org-child-name").fill("新网格")
    community.get_by_test_id("org-child-submit").click()
    grid = page.locator(f"[data-testid=org-item][data-code='{code}']")
    expect(grid).to_contain_text("新网格")

    grid.get_by_test_id("org-edit").click()
    grid.get_by_test_id("org-parent").select_option(str(second["id"]))
    grid.get_by_test_id("org-save").click()
    expect(grid.get_by_test_id("org-form")).to_have_count(0)  # saved: the tree was read again
    shoot(page, "console-orgs")
    moved = next(o for o in api.call("GET", "/orgs").body if o["code"] == code)
    assert moved["parent_id"] == second["id"]
    assert moved["kind"] == "grid"


@pytest.mark.parametrize("width", [1280, 360])
def test_a_street_admin_creates_a_provider_with_coverage(page: Page, app_ui, api, width):
    page.set_viewport_size({"width": width, "height": 900})
    street_id = api.me("streetadmin1")["org_id"]
    community = next(
        o
        for o in api.call("GET", "/orgs").body
        if o["kind"] == "community" and o["parent_id"] == street_id
    )
    name = f"e2e助老服务社{uuid.uuid4().hex[:4]}"

    app_ui.sign_in(page, "streetadmin1")
    page.get_by_test_id("nav-console").click()
    page.get_by_test_id("console-providers").click()
    page.get_by_test_id("provider-new").click()
    form = page.get_by_test_id("provider-form")
    form.get_by_test_id("provider-name").fill(name)
    form.get_by_test_id("provider-type").select_option("social_organisation")
    form.get_by_test_id("provider-categories").locator("input[value=elderly_care]").check()
    form.get_by_test_id("provider-coverage").locator(f"input[value='{community['id']}']").check()
    form.get_by_test_id("provider-capacity").fill("12")
    shoot(page, "console-provider-form")
    form.get_by_test_id("provider-submit").click()

    row = page.locator(f"[data-testid=provider-item][data-name='{name}']")
    expect(row.get_by_test_id("provider-load")).to_have_text("在办 0 / 上限 12 件")
    expect(row).to_contain_text(community["name"])
    shoot(page, "console-providers")
    created = next(p for p in api.get("admin1", "/providers/administered") if p["name"] == name)
    assert (created["coverage"], created["categories"]) == ([community["id"]], ["elderly_care"])
    # The demo city is the whole run's: a second unit for that community's elderly care would
    # leave later tests' reports to a dispatcher (a tie) instead of routing them.
    off = api.as_user("admin1", "PATCH", f"/providers/{created['id']}", body={"active": False})
    assert off.status == 200, off


@pytest.mark.parametrize("width", [1280, 360])
def test_the_audit_log_finds_a_change(page: Page, app_ui, api, width):
    page.set_viewport_size({"width": width, "height": 900})
    username, _ = _new_dispatcher(api)
    user_id = next(u["id"] for u in api.get("admin1", f"/users?q={username}")["items"])

    app_ui.sign_in(page, "streetadmin1")
    page.get_by_test_id("nav-console").click()
    page.get_by_test_id("console-audit").click()
    page.get_by_test_id("audit-search").fill(username)
    page.get_by_test_id("audit-search-submit").click()
    item = page.get_by_test_id("audit-item")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-object", f"user:{user_id}")
    expect(item).to_contain_text(f"新建账号 #{user_id}")
    shoot(page, "console-audit")


def test_coordinating_starts_from_the_responsibility_list(page: Page, app_ui, api):
    case = api.report(
        "resident1", category="facility", title="路灯坏了", description="小区门口路灯不亮。"
    )
    providers = api.get("dispatcher1", f"/providers?org_id={case['org_id']}&category=facility")
    assert len(providers) >= 2, providers
    lead, co = providers[-1]["id"], providers[0]["id"]
    line = api.as_user(
        "streetadmin1",
        "PUT",
        "/responsibilities",
        body={
            "category": "facility",
            "org_id": api.me("streetadmin1")["org_id"],
            "lead_provider_id": lead,
            "co_provider_ids": [co],
            "note": "街道设施维修小组",
        },
    )
    assert line.status == 200, line
    api.act("dispatcher1", case["id"], "assign", provider_id=providers[0]["id"])

    app_ui.sign_in(page, "dispatcher1")
    page.goto(f"/cases/{case['id']}")
    page.get_by_test_id("case-action-coordinate").click()
    expect(page.get_by_test_id("coordinate-preset")).to_contain_text("街道设施维修小组")
    lead_choice = page.locator(f"[data-testid=provider-choice][data-provider-id='{lead}'] input")
    expect(lead_choice).to_be_checked()
    co_choice = page.locator(f"[data-testid=co-provider][data-provider-id='{co}'] input").first
    expect(co_choice).to_be_checked()
