"""The profile screen at 360 px: the display name, the device's language, a new password
(other devices signed out, this one not) and signing out everywhere."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD
from tests.e2e.screens import shoot

pytestmark = pytest.mark.e2e


def a_new_resident(api) -> str:
    username = "r" + uuid.uuid4().hex[:10]
    body = {
        "username": username,
        "password": PASSWORD,
        "display_name": "测试居民",
        "role": "resident",
        "org_id": api.me("resident1")["org_id"],
    }
    reply = api.as_user("admin1", "POST", "/users", body=body)
    assert reply.status == 201, reply
    return username


def test_a_resident_renames_changes_password_and_signs_out_everywhere(page: Page, app_ui, api):
    username = a_new_resident(api)
    other_device = api.token(username)
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, username)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the bar fits
    page.get_by_test_id("nav-profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的账号")

    page.get_by_test_id("profile-name").fill("王阿姨")
    page.get_by_test_id("profile-name-save").click()
    expect(page.get_by_test_id("profile-name-status")).to_have_text("名称已保存。")
    assert api.call("GET", "/me", token=other_device).body["display_name"] == "王阿姨"

    page.get_by_test_id("profile-old-password").fill("not-my-password")
    page.get_by_test_id("profile-new-password").fill("a-new-long-passphrase")
    page.get_by_test_id("profile-password-save").click()
    expect(page.get_by_test_id("profile-password-status")).to_be_visible()
    expect(page.locator(".field-error")).to_have_count(1)
    page.get_by_test_id("profile-old-password").fill(PASSWORD)
    page.get_by_test_id("profile-password-save").click()
    expect(page.get_by_test_id("profile-password-status")).to_have_text(
        "密码已修改，其他设备已退出登录。"
    )
    assert api.call("GET", "/me", token=other_device).status == 401
    page.reload()  # this device carries on with its new tokens
    expect(page.get_by_test_id("profile-name")).to_have_value("王阿姨")
    shoot(page, "profile", (360, 1280))

    page.get_by_test_id("profile-lang-en").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_test_id("profile-everywhere")).to_have_text("Sign out everywhere")
    shoot(page, "profile-en", (360, 1280))
    page.get_by_test_id("profile-lang-zh-CN").click()

    login = api.call(
        "POST", "/auth/login", body={"username": username, "password": "a-new-long-passphrase"}
    )
    another_device = login.body["access_token"]
    page.get_by_test_id("profile-everywhere").click()
    page.get_by_test_id("profile-everywhere-confirm").click()
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    assert api.call("GET", "/me", token=another_device).status == 401


def test_a_resident_asks_for_a_code_for_a_new_number_and_a_wrong_code_is_refused(
    page: Page, app_ui, api
):
    """(The right code's path is tested on the API: tests/accounts/test_profile.py.)"""
    username = a_new_resident(api)
    number = "137" + str(uuid.uuid4().int)[:8]
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, username)
    page.goto("/profile")
    page.get_by_test_id("profile-phone").fill(number)
    page.get_by_test_id("profile-phone-code").click()
    expect(page.get_by_test_id("profile-phone-status")).to_have_text(
        "验证码已发送到新号码，10 分钟内有效。已被其他账号使用的号码收不到验证码。"
    )
    page.get_by_test_id("profile-phone-verify").fill("000000")
    page.get_by_test_id("profile-phone-save").click()
    expect(page.get_by_test_id("profile-phone-status")).to_have_attribute("role", "alert")
    expect(page.locator(".field-error")).to_have_count(1)
    assert api.me(username)["phone"] != number
    shoot(page, "profile-phone", (360, 1280))
