"""A grid worker's round without coverage: capture offline, sync once, no duplicates."""

import json

import pytest
from playwright.sync_api import Page, Request, expect

pytestmark = pytest.mark.e2e

NEEDS = [
    ("elderly_care", "独居老人需要助浴", "王奶奶行动不便，希望每周有人上门助浴。", "王奶奶"),
    ("facility", "楼道灯坏了", "三楼楼道灯不亮，晚上看不见台阶。", ""),
    ("community_meals", "希望送餐上门", "腿脚不便，无法到食堂就餐。", "李大爷"),
]


def _report_from_round(page: Page, household_id: int, category, title, description, name):
    household = page.get_by_test_id(f"round-household-{household_id}")
    household.get_by_test_id("household-report").click()
    page.get_by_test_id(f"report-category-{category}").click()
    if name:
        page.get_by_test_id("report-resident-name").fill(name)
    page.get_by_test_id("report-title").fill(title)
    page.get_by_test_id("report-description").fill(description)
    page.get_by_test_id("report-submit").click()
    # Saved to the outbox, back to the round, and told so.
    expect(page.get_by_test_id(f"round-household-{household_id}")).to_be_visible()
    expect(page.get_by_test_id("report-notice")).to_contain_text("已保存在本机，联网后自动发送")


def test_grid_worker_captures_three_needs_offline_and_syncs_them_once(
    page: Page, context, app_ui, api
):
    grid1 = api.me("grid1")
    grid_id = grid1["org_id"]
    buildings = api.get("grid1", f"/orgs/{grid_id}/buildings")
    households = [h["id"] for b in buildings for h in b["households"]][:3]
    assert len(households) == 3
    before = set(api.case_ids("admin1", org_id=grid_id))

    app_ui.sign_in(page, "grid1")
    # Today's round, with the grid's households (loaded while online).
    expect(page.get_by_test_id(f"round-grid-{grid_id}")).to_be_visible()
    expect(page.get_by_test_id(f"round-household-{households[0]}")).to_be_visible()
    app_ui.wait_for_service_worker(page)
    expect(page.get_by_test_id(f"round-household-{households[0]}")).to_be_visible()

    sent: list[Request] = []

    def on_request(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/api/v1/cases"):
            sent.append(request)

    page.on("request", on_request)

    context.set_offline(True)
    page.reload()  # the service worker opens the app without the network
    expect(page.get_by_test_id(f"round-household-{households[0]}")).to_be_visible()

    for household_id, (category, title, description, name) in zip(households, NEEDS, strict=False):
        _report_from_round(page, household_id, category, title, description, name)
    expect(page.get_by_test_id("outbox-pending")).to_have_text("3")

    page.reload()
    expect(page.get_by_test_id(f"round-grid-{grid_id}")).to_be_visible()
    expect(page.get_by_test_id("outbox-pending")).to_have_text("3")
    queued = sorted(
        (i for i in app_ui.outbox(page) if i["kind"] == "create_case"), key=lambda i: i["createdAt"]
    )
    assert len(queued) == 3
    assert all(i["state"] in ("queued", "sending") for i in queued), queued
    assert set(api.case_ids("admin1", org_id=grid_id)) == before, "nothing was sent while offline"

    context.set_offline(False)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")

    # The server holds exactly these three new cases, as the worker captured them.
    after = set(api.case_ids("admin1", org_id=grid_id))
    new = after - before
    assert new == {i["caseId"] for i in queued}, (new, queued)
    for item, household_id, (category, title, description, _) in zip(
        queued, households, NEEDS, strict=False
    ):
        case = api.get("admin1", f"/cases/{item['caseId']}")
        assert case["title"] == title
        assert case["description"] == description
        assert case["category"] == category
        assert case["household_id"] == household_id
        assert case["channel"] == "grid_visit"
        assert case["org_id"] == grid_id
        events = api.get("admin1", f"/cases/{case['id']}/events")["items"]
        submitted = [e for e in events if e["action"] == "submit"]
        assert [e["actor"]["id"] for e in submitted] == [grid1["id"]], submitted  # created by grid1
    assert new <= set(api.case_ids("grid1", mine="true"))  # "mine" = reported or created by me
    # The wire: each report went out with its client UUID as the Idempotency-Key, and each
    # reached the server once (no retry storm: failed offline attempts never left the phone).
    on_wire = [r for r in sent if r.response() is not None]  # answered by the server
    assert [r.response().status for r in on_wire] == [201, 201, 201]
    assert sorted(r.headers["idempotency-key"] for r in on_wire) == sorted(i["key"] for i in queued)
    for r in on_wire:
        item = next(i for i in queued if i["key"] == r.headers["idempotency-key"])
        assert json.loads(r.post_data) == item["body"]

    # Replaying the same writes (same key, same body) creates nothing and answers the same.
    done = {i["id"]: i for i in app_ui.outbox(page)}
    for item in queued:
        replay = api.as_user(
            "grid1", "POST", "/cases", body=item["body"], headers={"Idempotency-Key": item["key"]}
        )
        assert replay.status == 201, replay
        assert replay.body == done[item["id"]]["response"]
    assert set(api.case_ids("admin1", org_id=grid_id)) == after
