"""The profile's push toggle at 360 px, zh-CN and en: where the browser has push (the demo
server sends none: no VAPID keys) and where it has not (many Android browsers in mainland
China), said plainly."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.screens import shoot
from tests.e2e.test_profile import a_new_resident

pytestmark = pytest.mark.e2e


def open_profile(page: Page, app_ui, username: str) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, username)
    page.get_by_test_id("nav-profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的账号")


def test_the_toggle_asks_and_says_when_the_server_sends_no_push(page: Page, app_ui, api):
    open_profile(page, app_ui, a_new_resident(api))
    if not page.evaluate("'PushManager' in window && 'serviceWorker' in navigator"):
        pytest.skip("this Chromium has no PushManager: the next test covers that path")
    toggle = page.get_by_test_id("profile-push")
    expect(page.get_by_text("接收推送通知")).to_be_visible()
    toggle.click()  # asks; the server has no key, so it stays off
    expect(page.get_by_test_id("profile-push-status")).to_have_text("服务器尚未开启推送。")
    expect(toggle).not_to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(page, "profile-push", (360, 1280))

    page.get_by_test_id("profile-lang-en").click()
    expect(page.get_by_text("Receive push notifications")).to_be_visible()
    page.get_by_test_id("profile-lang-zh-CN").click()


def test_a_browser_without_push_is_told_sms_will_do(page: Page, app_ui, api):
    page.add_init_script("delete window.PushManager")
    open_profile(page, app_ui, a_new_resident(api))
    expect(page.get_by_test_id("profile-push")).to_have_count(0)
    expect(page.get_by_test_id("profile-push-unsupported")).to_have_text(
        "此浏览器不支持推送，将以短信通知"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(page, "profile-push-unsupported", (360, 1280))

    page.get_by_test_id("profile-lang-en").click()
    expect(page.get_by_test_id("profile-push-unsupported")).to_have_text(
        "This browser does not support push; you will be notified by SMS"
    )
    shoot(page, "profile-push-unsupported-en", (360, 1280))
    page.get_by_test_id("profile-lang-zh-CN").click()
