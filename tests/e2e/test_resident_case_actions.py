"""The reporter's own case at 360 px: who handles it and by when, tap to call the unit, add
information online, withdraw it offline through the outbox; staff tap to call the reporter."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.screens import shoot

pytestmark = pytest.mark.e2e


def test_a_resident_adds_information_and_withdraws_offline(
    page: Page, context: BrowserContext, app_ui, api
):
    case = api.report("resident2", title="门口积水", description="下雨后单元门口积水。")
    assert case["state"] == "assigned" and case["provider_name"], case
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, "resident2")
    page.goto(f"/cases/{case['id']}")

    handling = page.get_by_test_id("case-handling")
    expect(handling).to_contain_text(f"由 {case['provider_name']} 办理")
    expect(page.get_by_test_id("case-handling-due")).to_have_text(
        re.compile(r"^应于 \d{4}/\d{2}/\d{2} \d{2}:\d{2} 前接单$")
    )
    if case["provider_contact"]:
        expect(page.get_by_test_id("call-unit")).to_have_attribute(
            "href", "tel:" + re.sub(r"[\s-]", "", case["provider_contact"])
        )

    page.get_by_test_id("add-info-note").fill("晚上积水更深，老人出入不便。")
    page.get_by_test_id("add-info-submit").click()
    expect(page.get_by_test_id("add-info-outcome")).to_have_text("已补充，办理人员可以看到。")
    page.reload()
    added = page.locator("[data-testid=timeline-event][data-action=add_info]")
    expect(added).to_contain_text("补充说明")
    expect(added).to_contain_text("晚上积水更深，老人出入不便。")
    shoot(page, "resident-case-open", (360, 1280))

    app_ui.wait_for_service_worker(page)
    context.set_offline(True)
    try:
        page.get_by_test_id("withdraw-open").click()
        page.get_by_test_id("withdraw-reason").fill("物业已经处理了")
        page.get_by_test_id("withdraw-submit").click()
        expect(page.get_by_test_id("withdraw-outcome")).to_have_text("撤回已保存，联网后发送。")
        (queued,) = [i for i in app_ui.outbox(page) if i["kind"] == "action"]
        assert queued["path"].endswith("/actions/withdraw") and queued["key"], queued
        shoot(page, "resident-withdraw-offline", (360, 1280))
    finally:
        context.set_offline(False)

    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
    assert api.get("resident2", f"/cases/{case['id']}")["withdrawn_at"]
    page.goto(f"/cases/{case['id']}")
    expect(page.get_by_test_id("case-state")).to_have_text("已撤回")
    expect(page.get_by_test_id("withdraw")).to_have_count(0)
    expect(page.get_by_test_id("add-info")).to_have_count(0)
    withdrawn = page.locator("[data-testid=timeline-event][data-action=withdraw]")
    expect(withdrawn).to_contain_text("撤回")
    expect(withdrawn).to_contain_text("物业已经处理了")
    shoot(page, "resident-case-withdrawn", (360, 1280))
    page.get_by_test_id("nav-cases").click()
    row = page.locator(f"[data-testid=case-item][data-case-id='{case['id']}']")
    expect(row.get_by_test_id("case-state")).to_have_text("已撤回")


def test_the_resident_reads_who_handles_it_in_english(page: Page, app_ui, api):
    case = api.report("resident2", title="路灯不亮", description="小区东门路灯不亮。")
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, "resident2")
    page.get_by_test_id("lang-toggle").click()
    page.goto(f"/cases/{case['id']}")
    expect(page.get_by_test_id("case-handling")).to_contain_text(
        f"Handled by {case['provider_name']}"
    )
    expect(page.get_by_test_id("case-handling-due")).to_contain_text("To be accepted by")
    expect(page.get_by_test_id("withdraw")).to_contain_text("No longer needed?")
    expect(page.get_by_test_id("add-info")).to_contain_text("Add information or photos")
    shoot(page, "resident-case-en", (360, 1280))
    page.get_by_test_id("lang-toggle").click()


def test_staff_who_see_the_phone_tap_to_call_the_reporter(page: Page, app_ui, api):
    case = api.report("resident1", title="水管漏水", description="厨房水管漏水。")
    phone = api.get("dispatcher1", f"/cases/{case['id']}")["reporter"]["phone"]
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, "dispatcher1")
    page.goto(f"/cases/{case['id']}")
    call = page.get_by_test_id("call-reporter")
    expect(call).to_have_attribute("href", f"tel:{phone}")
    expect(call).to_have_accessible_name(re.compile(f"^拨打反映人.+电话 {phone}$"))
    # The reporter's own page has no call-the-reporter link (they are the reporter).
    app_ui.sign_out(page)
    app_ui.sign_in(page, "resident1")
    page.goto(f"/cases/{case['id']}")
    expect(page.get_by_test_id("case-reference")).to_be_visible()
    expect(page.get_by_test_id("case-handling")).to_be_visible()
    expect(page.get_by_test_id("call-reporter")).to_have_count(0)
