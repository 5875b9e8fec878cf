"""The app as a whole: language switch, installability, a shared phone."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_ui_switches_to_english_and_the_choice_survives_a_reload(page: Page, app_ui):
    page.goto("/")
    submit = page.get_by_test_id("login-submit")
    expect(submit).to_have_text("登录")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.get_by_test_id("lang-toggle").click()
    expect(submit).to_have_text("Sign in")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.reload()
    expect(page.get_by_test_id("login-submit")).to_have_text("Sign in")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Signed in, the shell speaks English too; and it switches back.
    app_ui.sign_in(page, "resident1")
    expect(page.get_by_test_id("nav-report")).to_contain_text("Report")
    expect(page.get_by_test_id("logout")).to_have_text("Sign out")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("nav-report")).to_contain_text("上报")
    page.reload()
    expect(page.get_by_test_id("nav-report")).to_contain_text("上报")


def test_app_is_installable(persistent_context):
    page = persistent_context.new_page()
    page.goto("/")
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")
    cdp = persistent_context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert manifest["errors"] == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors


def test_next_user_on_a_shared_phone_sees_none_of_the_previous_users_data(
    page: Page, context, app_ui, api
):
    first = set(api.case_ids("resident1", mine="true"))
    assert first, "the demo city gives resident1 cases"
    own = api.report(
        "resident2", category="fitness", title="广场灯太暗", description="晚上锻炼看不清路。"
    )

    app_ui.sign_in(page, "resident1")
    expect(page.locator("[data-testid=case-item]").first).to_be_visible()
    shown = set(app_ui.shown_case_ids(page))
    assert shown and shown <= first
    some_case = sorted(shown)[0]
    # Open one case, so its details are in resident1's offline copy too.
    page.goto(f"/cases/{some_case}")
    expect(page.get_by_test_id("case-reference")).to_be_visible()
    app_ui.wait_for_service_worker(page)

    app_ui.sign_out(page)
    app_ui.sign_in(page, "resident2")
    expect(page.locator(f"[data-testid=case-item][data-case-id='{own['id']}']")).to_be_visible()
    assert not set(app_ui.shown_case_ids(page)) & first
    assert app_ui.outbox(page) == []

    # Offline (what the phone has on disk) shows resident2's cases only, and not resident1's case.
    context.set_offline(True)
    try:
        page.reload()
        expect(page.get_by_test_id("offline-banner")).to_have_count(1)
        expect(page.locator(f"[data-testid=case-item][data-case-id='{own['id']}']")).to_be_visible()
        assert not set(app_ui.shown_case_ids(page)) & first
        page.goto(f"/cases/{some_case}")
        expect(page.locator("h1")).to_have_text("找不到这条诉求")
        # Loaded, and resident2 has nothing on disk for it.
        expect(page.get_by_text("离线时没有保存的内容")).to_be_visible()
        expect(page.get_by_test_id("case-reference")).to_have_count(0)
        # Nothing waits, so residents have no way in but the address (no tab, the badge syncs).
        page.goto("/outbox")
        expect(page.get_by_test_id("outbox-list")).to_be_attached()
        expect(page.get_by_test_id("outbox-item")).to_have_count(0)
    finally:
        context.set_offline(False)
