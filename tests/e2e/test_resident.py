"""A resident's loop in the real app: report a need, rate a resolved case."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_resident_reports_a_need_online_and_sees_it_in_their_list(page: Page, app_ui, api):
    app_ui.sign_in(page, "resident1")
    resident = api.me("resident1")

    page.get_by_test_id("nav-report").click()
    page.get_by_test_id("report-category-community_meals").click()
    expect(page.get_by_test_id("report-category-chosen")).to_be_visible()
    page.get_by_test_id("report-title").fill("希望增加助餐窗口")
    page.get_by_test_id("report-description").fill("中午排队四十分钟，老人站不住。")
    # The place defaults to the resident's own grid.
    expect(page.get_by_test_id("report-grid")).to_have_value(str(resident["org_id"]))
    page.get_by_test_id("report-submit").click()

    expect(page).to_have_url(re.compile(r"/cases\?reported="))
    case_id = page.url.split("reported=", 1)[1]
    item = page.locator(f"[data-testid=case-item][data-case-id='{case_id}']")
    expect(item).to_be_visible()
    expect(item).to_contain_text("希望增加助餐窗口")
    # Sent: the row shows the server's state, not "waiting to sync".
    expect(item.get_by_test_id("case-state")).not_to_have_attribute("data-state", "pending")
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
    # Said in words: sent, with the reference to quote on the phone.
    expect(page.get_by_test_id("report-notice")).to_have_attribute("data-kind", "sent")
    expect(page.get_by_test_id("report-notice")).to_contain_text("已提交，编号 LL-")

    case = api.get("resident1", f"/cases/{case_id}")
    assert case["title"] == "希望增加助餐窗口"
    assert case["description"] == "中午排队四十分钟，老人站不住。"
    assert case["category"] == "community_meals"
    assert case["channel"] == "app"
    assert case["org_id"] == resident["org_id"]
    assert case["reporter"]["id"] == resident["id"]
    assert case["household_id"] is None
    assert case_id in api.case_ids("resident1", mine="true")


def _resolved_case_of_resident1(api) -> dict:
    """report (resident1) → assign to provider1's unit (unless routing did) → accept → resolve."""
    case = api.report(
        "resident1",
        category="housekeeping",
        title="楼下需要便民理发",
        description="老人理发要坐三站公交。",
    )
    provider_id = api.me("provider1")["provider_id"]
    # Routing may have assigned it already on submit; otherwise (or to another unit) dispatch it.
    assert case["state"] in ("submitted", "assigned"), case
    if not (case["state"] == "assigned" and case["provider_id"] == provider_id):
        case = api.get("dispatcher1", f"/cases/{case['id']}")
        assert "assign" in case["allowed_actions"], case
        case = api.act(
            "dispatcher1", case["id"], "assign", version=case["version"], provider_id=provider_id
        )
    assert case["state"] == "assigned" and case["provider_id"] == provider_id, case
    case = api.act("provider1", case["id"], "accept")
    assert case["state"] == "in_progress", case
    case = api.act("provider1", case["id"], "resolve", note="已联系理发师每周三上门")
    assert case["state"] == "resolved", case
    return case


def test_resident_rates_a_resolved_case_and_it_closes(page: Page, app_ui, api):
    case = _resolved_case_of_resident1(api)

    app_ui.sign_in(page, "resident1")
    row = page.locator(f"[data-testid=case-item][data-case-id='{case['id']}']")
    expect(row.get_by_test_id("case-state")).to_have_attribute("data-state", "resolved")
    row.get_by_role("link").click()

    expect(page).to_have_url(re.compile(f"/cases/{case['id']}$"))
    expect(page.get_by_test_id("case-state")).to_have_attribute("data-state", "resolved")
    page.get_by_test_id("rating-resolved-yes").click()
    page.get_by_test_id("rating-stars-5").click()
    page.get_by_test_id("rating-comment").fill("理发师很耐心")
    page.get_by_test_id("rating-submit").click()

    expect(page.get_by_test_id("case-state")).to_have_attribute("data-state", "closed")
    expect(page.get_by_test_id("case-rating")).to_be_visible()
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")

    closed = api.get("resident1", f"/cases/{case['id']}")
    assert closed["state"] == "closed"
    assert closed["rating"]["resolved"] is True
    assert closed["rating"]["stars"] == 5
    assert closed["rating"]["comment"] == "理发师很耐心"
