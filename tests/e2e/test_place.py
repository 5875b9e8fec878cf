"""Where a need is, at 360 px (issue 10): the building picker and "use my location" on the
report (offline: sent as typed), the case page showing the place and its small map; the
search of the review and co-task queues; what was done, on the community board."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.screens import shoot
from tests.e2e.test_profile import a_new_resident
from tests.e2e.test_resident import _resolved_case_of_resident1

pytestmark = pytest.mark.e2e

HERE = {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 18}
# A grey 1×1 PNG for every tile: the map is drawn, nothing leaves the machine.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4BwAA7ADrGnVEOgAAAABJRU5ErkJggg=="
)


def _tiles_on(page: Page) -> list[str]:
    """The session's server has no tile server: this page is told of one on its own origin
    (allowed by the CSP's 'self'), whose tiles are answered here. Returns the tiles asked for."""
    asked: list[str] = []
    page.route(
        "**/api/v1/map",
        lambda route: route.fulfill(
            json={"tile_url": "/e2e-tiles/{z}/{x}/{y}.png", "attribution": "© OpenStreetMap"}
        ),
    )

    def tile(route):
        asked.append(route.request.url)
        route.fulfill(body=TILE, content_type="image/png")

    page.route("**/e2e-tiles/**", tile)
    return asked


def test_a_resident_reports_with_the_building_and_the_phones_position_offline(
    page: Page, context: BrowserContext, app_ui, api
):
    context.grant_permissions(["geolocation"])
    context.set_geolocation(HERE)
    asked = _tiles_on(page)
    resident = api.me("resident1")
    building = api.get("resident1", f"/orgs/{resident['org_id']}/buildings")[0]
    assert building["households"] == []  # a resident picks the building, never the flat

    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, "resident1")
    app_ui.wait_for_service_worker(page)
    page.get_by_test_id("nav-report").click()
    page.get_by_test_id("report-category-facility").click()
    page.get_by_test_id("report-title").fill("楼道灯不亮")
    page.get_by_test_id("report-description").fill("晚上下楼看不见台阶。")
    page.get_by_test_id("report-building").select_option(str(building["id"]))
    expect(page.get_by_test_id("report-household")).to_have_count(0)
    expect(page.get_by_test_id("report-location")).to_contain_text("点一下才会定位")
    page.get_by_test_id("report-use-location").click()
    status = page.get_by_test_id("report-location-status")
    expect(status).to_have_attribute("data-state", "ok")
    expect(status).to_have_text("已附上我的位置（误差约 18 米）")
    expect(page.get_by_test_id("minimap")).to_be_visible()
    for _ in range(50):  # the tiles are asked for once the map has drawn its images
        if any("/e2e-tiles/17/109763/53556.png" in url for url in asked):
            break
        page.wait_for_timeout(100)
    assert any("/e2e-tiles/17/109763/53556.png" in url for url in asked), asked
    shoot(page, "report-place", (360, 1280))

    # Sent later, as typed: the outbox keeps the position and the building.
    context.set_offline(True)
    try:
        page.get_by_test_id("report-submit").click()
        expect(page).to_have_url(re.compile(r"/cases\?reported="))
        case_id = page.url.split("reported=", 1)[1]
        [queued] = [w for w in app_ui.outbox(page) if w.get("kind") == "create_case"][-1:]
        assert queued["body"]["lat"] == HERE["latitude"], queued
        assert queued["body"]["location_accuracy"] == HERE["accuracy"], queued
        assert queued["body"]["building_id"] == building["id"], queued
    finally:
        context.set_offline(False)
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
    case = api.get("resident1", f"/cases/{case_id}")
    assert (case["lat"], case["lon"], case["location_accuracy"]) == (31.2304, 121.4737, 18)
    assert case["building_name"] == building["name"]

    page.goto(f"/cases/{case_id}")
    place = page.get_by_test_id("case-place")
    expect(place).to_contain_text(building["name"])
    expect(page.get_by_test_id("case-position")).to_contain_text("手机定位（误差约 18 米）")
    expect(place.get_by_test_id("minimap")).to_be_visible()
    shoot(page, "case-place", (360, 1280))
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("case-position")).to_contain_text(
        "phone location (within about 18 m)"
    )
    expect(page.locator("dt", has_text="Where")).to_be_visible()
    shoot(page, "case-place-en", (360, 1280))
    page.get_by_test_id("lang-toggle").click()


def test_refused_location_is_said_in_words_and_the_report_goes_without_it(
    page: Page, context: BrowserContext, app_ui
):
    context.clear_permissions()
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, "resident2")
    page.get_by_test_id("lang-toggle").click()
    page.get_by_test_id("nav-report").click()
    page.get_by_test_id("report-category-facility").click()
    expect(page.get_by_test_id("report-use-location")).to_have_text("Use my location")
    page.get_by_test_id("report-use-location").click()
    status = page.get_by_test_id("report-location-status")
    expect(status).to_have_attribute("data-state", "denied")
    expect(status).to_contain_text("No permission to use your location")
    expect(page.get_by_test_id("minimap")).to_have_count(0)
    shoot(page, "report-location-refused-en", (360, 1280))
    page.get_by_test_id("lang-toggle").click()
    expect(status).to_contain_text("没有定位权限")


def test_the_review_queue_is_searched_by_reference(page: Page, app_ui, api):
    first = api.get("reviewer1", "/reviews?limit=5")["items"][0]["case"]
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, "reviewer1")
    page.get_by_test_id("nav-review").click()
    expect(page.get_by_test_id("review-item").first).to_be_visible()
    page.get_by_test_id("review-search").fill(first["reference"])
    expect(page.get_by_test_id("review-item")).to_have_count(1)
    expect(page.get_by_test_id("review-item")).to_contain_text(first["title"])
    shoot(page, "review-search", (360, 1280))
    page.get_by_test_id("review-search").fill("没有这样的诉求")
    expect(page.get_by_test_id("review-empty")).to_contain_text("没有符合“没有这样的诉求”的诉求")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("review-empty")).to_contain_text("No cases match")
    page.get_by_test_id("review-sort").select_option("due")
    expect(page.get_by_test_id("review-sort")).to_have_value("due")
    page.get_by_test_id("lang-toggle").click()


def _joint_case(api, title: str) -> tuple[dict, int]:
    """A case led by another unit with provider1's unit called in (as in test_staff)."""
    co_unit = api.me("provider1")["provider_id"]
    case = api.report("resident1", category="facility", title=title, description="需要协办。")
    providers = api.get("dispatcher1", f"/providers?org_id={case['org_id']}")
    lead = next(p["id"] for p in providers if p["id"] != co_unit)
    due = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0).isoformat()
    case = api.act(
        "dispatcher1",
        case["id"],
        "coordinate",
        lead_provider_id=lead,
        co_providers=[{"provider_id": co_unit, "due_at": due.replace("+00:00", "Z")}],
    )
    return case, next(t["id"] for t in case["co_tasks"] if t["provider_id"] == co_unit)


def test_the_co_task_queue_is_searched(page: Page, app_ui, api):
    _, lift_task = _joint_case(api, "电梯按钮失灵需协办")
    lamp, lamp_task = _joint_case(api, "小区路灯线路需协办")
    try:
        page.set_viewport_size({"width": 360, "height": 800})
        app_ui.sign_in(page, "provider1")
        page.get_by_test_id("nav-tasks").click()
        page.get_by_test_id("tasks-search").fill("电梯按钮")
        items = page.get_by_test_id("task-item")
        expect(items).to_have_count(1)
        expect(items).to_have_attribute("data-task-id", str(lift_task))
        shoot(page, "tasks-search", (360, 1280))
        page.get_by_test_id("tasks-search").fill(lamp["reference"])
        expect(items).to_have_attribute("data-task-id", str(lamp_task))
        page.get_by_test_id("lang-toggle").click()
        page.get_by_test_id("tasks-search").fill("nothing like it")
        expect(page.get_by_test_id("tasks-empty")).to_contain_text("No cases match")
        page.get_by_test_id("lang-toggle").click()
    finally:
        for task in (lift_task, lamp_task):  # leave provider1's list as it was
            api.as_user("provider1", "POST", f"/tasks/{task}/actions/complete", body={})


def test_the_board_says_what_was_done_for_a_solved_need(page: Page, app_ui, api):
    case = _resolved_case_of_resident1(api)
    neighbour = a_new_resident(api)
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, neighbour)
    page.get_by_test_id("nav-board").click()
    row = page.get_by_test_id("board-solved").locator(
        f"[data-testid=board-item][data-case-id='{case['id']}']"
    )
    done = row.get_by_test_id("board-resolution")
    expect(done).to_contain_text("办结说明：")
    expect(row).to_contain_text(" 办结")
    expect(done).to_contain_text("已联系理发师每周三上门")
    expect(row).not_to_contain_text("赵师傅")  # the staff member who wrote it
    row.scroll_into_view_if_needed()
    shoot(page, "board-resolution", (360, 1280))
    page.get_by_test_id("lang-toggle").click()
    expect(done).to_contain_text("What was done: 已联系理发师")
    expect(row).to_contain_text("done ")
    shoot(page, "board-resolution-en", (360, 1280))
    page.get_by_test_id("lang-toggle").click()
