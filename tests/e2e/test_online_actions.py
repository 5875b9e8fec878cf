"""A staff action taken online completes at once and the page shows the new state
(issue 10 item 8): no "saved, will be sent" for what has already been done."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_a_provider_accepts_online_and_sees_the_case_in_progress(page: Page, app_ui, api):
    case = api.report("resident1", title="需要上门理发", description="老人行动不便，想请人上门。")
    assert case["state"] == "assigned" and case["provider_name"], case
    staff = next(
        u
        for u in ("provider1", "provider2", "provider3")
        if api.as_user(u, "GET", f"/cases/{case['id']}").status == 200
    )
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, staff)
    page.goto(f"/cases/{case['id']}")
    page.get_by_test_id("case-action-accept").click()
    page.get_by_test_id("action-submit").click()

    outcome = page.get_by_test_id("action-outcome")
    expect(outcome).to_have_attribute("data-state", "done")
    expect(outcome).to_have_text("接单已完成。")
    expect(page.get_by_test_id("case-state")).to_have_text("办理中")
    expect(page.get_by_test_id("case-action-accept")).to_have_count(0)
    assert api.get("dispatcher1", f"/cases/{case['id']}")["state"] == "in_progress"
