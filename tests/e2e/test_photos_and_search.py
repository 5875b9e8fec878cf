"""Issue 10 item 10 and the staff queue's search in the browser at 360 px: photos say whose
they are and open full screen (closed by Esc or the close button), list rows wrap between
their parts, not inside one; a queue is searched and sorted on the server."""

from __future__ import annotations

import io
import urllib.request
import uuid

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.screens import shoot

pytestmark = pytest.mark.e2e


def upload_photo(api, username: str, case_id: str, colour: tuple[int, int, int]) -> None:
    out = io.BytesIO()
    Image.new("RGB", (640, 420), colour).save(out, format="JPEG")
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + out.getvalue()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{api.base}/cases/{case_id}/attachments",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {api.token(username)}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


def handling_provider(api, case_id: str) -> str:
    return next(
        u
        for u in ("provider1", "provider2", "provider3")
        if api.as_user(u, "GET", f"/cases/{case_id}").status == 200
    )


def test_photos_say_whose_they_are_and_open_full_screen(page: Page, app_ui, api):
    case = api.report("resident1", title="楼道灯坏了", description="三楼楼道灯不亮。")
    upload_photo(api, "resident1", case["id"], (200, 60, 60))
    staff = handling_provider(api, case["id"])
    api.act(staff, case["id"], "accept")
    api.act(staff, case["id"], "resolve", note="已更换灯泡。")
    upload_photo(api, staff, case["id"], (60, 160, 90))

    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, "resident1")
    page.goto(f"/cases/{case['id']}")
    expect(page.get_by_test_id("photo-caption")).to_have_text(["居民上传", "办结照片"])
    thumbs = page.get_by_test_id("case-attachment").get_by_role("button")
    expect(thumbs.first).to_have_accessible_name("放大查看：照片 1 · 居民上传")
    shoot(page, "case-photos", (360, 1280))

    thumbs.nth(1).click()
    viewer = page.get_by_test_id("photo-viewer")
    expect(viewer).to_be_visible()
    expect(page.get_by_test_id("photo-viewer-caption")).to_have_text("第 2 张，共 2 张 · 办结照片")
    expect(viewer.get_by_role("img")).to_have_accessible_name("照片 2 · 办结照片")
    expect(page.get_by_test_id("photo-viewer-close")).to_be_focused()
    box = viewer.bounding_box()
    assert box and box["width"] >= 359 and box["height"] >= 799, box  # the whole screen
    shoot(page, "photo-viewer", (360, 1280))
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(thumbs.nth(1)).to_be_focused()  # back where the user was

    thumbs.first.click()
    expect(page.get_by_test_id("photo-viewer-caption")).to_have_text("第 1 张，共 2 张 · 居民上传")
    page.get_by_test_id("photo-viewer-close").click()
    expect(viewer).to_be_hidden()


def test_a_dispatcher_searches_and_sorts_the_queue_at_360_px(page: Page, app_ui, api):
    marker = uuid.uuid4().hex[:6]
    wanted = api.report(
        "resident1",
        title=f"小区东门路灯不亮 {marker}",
        description="晚上出入很不方便，老人容易摔倒。",
    )
    api.report("resident1", title="楼下垃圾没人清运", description="已经三天了。")

    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, "dispatcher1")
    page.goto("/queue")
    page.get_by_test_id("filter-state").select_option("")
    rows = page.get_by_test_id("case-item")
    expect(rows.first).to_be_visible()
    # A row's reference, category, place and time each stay on one line.
    parts = page.locator(".case-meta > span")
    lines = parts.evaluate_all(
        "spans => spans.map(s => [s.textContent, s.getClientRects().length,"
        " s.getBoundingClientRect().height])"
    )
    assert lines and all(n == 1 and h < 30 for _, n, h in lines), lines
    shoot(page, "queue-all", (360, 1280))

    search = page.get_by_test_id("queue-search")
    expect(page.get_by_label("搜索")).to_have_attribute("placeholder", "标题、内容、编号或地址")
    search.fill(marker)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(wanted["reference"])
    search.fill(wanted["reference"][-6:])
    expect(rows).to_have_count(1)
    search.fill("没有这件事" + marker)
    expect(page.get_by_test_id("queue-empty")).to_contain_text(
        f"没有符合“没有这件事{marker}”的诉求"
    )
    expect(page.get_by_test_id("queue-empty")).to_contain_text("可按标题、内容、地址或编号查找")
    shoot(page, "queue-no-match", (360, 1280))

    search.fill("")
    sort = page.get_by_test_id("queue-sort")
    expect(sort.locator("option")).to_have_text(["最新上报", "最早上报", "最先到期"])
    with page.expect_response(lambda r: "sort=oldest" in r.url and r.status == 200):
        sort.select_option("oldest")
    oldest = api.case_ids("dispatcher1", sort="oldest", limit=5)
    expect(rows.first).to_have_attribute("data-case-id", oldest[0])

    page.get_by_test_id("lang-toggle").click()
    search.fill("nothing-like-this-" + marker)
    expect(page.get_by_test_id("queue-empty")).to_contain_text(
        f"No cases match “nothing-like-this-{marker}”"
    )
    expect(sort.locator("option")).to_have_text(["Newest first", "Oldest first", "Due soonest"])
    shoot(page, "queue-no-match-en", (360, 1280))
    page.get_by_test_id("lang-toggle").click()
