"""The console's city-wide settings (issue 11) at a desktop's and a phone's width: the city
admin gives a category an extra question that residents then answer on the report form,
changes a time limit, imports a year of the national holiday calendar; a street admin sees
the settings read-only. Each test puts the demo city back as it found it (the run shares it)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.screens import shoot

pytestmark = pytest.mark.e2e

CATEGORY = "culture_leisure"  # no other e2e test reports in it


def _console(page: Page, app_ui, username: str, section: str) -> None:
    app_ui.sign_in(page, username)
    page.get_by_test_id("nav-console").click()
    page.get_by_test_id(f"console-{section}").click()


@pytest.fixture
def no_extra_questions(api):
    yield
    reply = api.as_user("admin1", "PATCH", f"/categories/{CATEGORY}", body={"fields": []})
    assert reply.status == 200, reply


@pytest.mark.parametrize("width", [1280, 360])
def test_an_extra_question_is_asked_on_the_report_form(
    page: Page, app_ui, api, width, no_extra_questions
):
    page.set_viewport_size({"width": width, "height": 900})
    _console(page, app_ui, "admin1", "categories")
    row = page.locator(f"[data-testid=category-item][data-code={CATEGORY}]")
    row.get_by_test_id("category-edit").click()
    row.get_by_test_id("field-add").click()
    field = row.get_by_test_id("field-editor")
    field.get_by_test_id("field-key").fill("age")
    field.get_by_test_id("field-label-zh").fill("老人年龄")
    field.get_by_test_id("field-label-en").fill("Age")
    field.get_by_test_id("field-type").select_option("number")
    field.get_by_test_id("field-required").check()
    shoot(page, "console-category-form")
    row.get_by_test_id("category-submit").click()
    row = page.locator(f"[data-testid=category-item][data-code={CATEGORY}]")
    expect(row).to_contain_text("追加问题：1 个")
    shoot(page, "console-categories")
    listed = next(c for c in api.call("GET", "/categories").body if c["code"] == CATEGORY)
    assert listed["fields"] == [
        {
            "key": "age",
            "label_zh": "老人年龄",
            "label_en": "Age",
            "type": "number",
            "required": True,
            "choices": [],
        }
    ]

    app_ui.sign_out(page)
    app_ui.sign_in(page, "resident1")
    page.get_by_test_id("nav-report").click()
    page.get_by_test_id(f"report-category-{CATEGORY}").click()
    age = page.get_by_test_id("report-extra-age")
    expect(page.get_by_test_id("report-extra")).to_contain_text("老人年龄（必填）")
    page.get_by_test_id("report-title").fill("想办老年书法班")
    page.get_by_test_id("report-description").fill("社区活动室周末空着。")
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-error")).to_have_text("请填写“老人年龄”")
    age.fill("72")
    shoot(page, "report-extra")
    # Offline: the outbox keeps the answers as typed and sends them once online.
    page.context.set_offline(True)
    try:
        page.get_by_test_id("report-submit").click()
        expect(page).to_have_url(re.compile(r"/cases\?reported="))
        queued = next(i for i in app_ui.outbox(page) if i["kind"] == "create_case")
        assert queued["body"]["extra"] == {"age": 72}
    finally:
        page.context.set_offline(False)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
    case_id = queued["caseId"]
    assert api.get("resident1", f"/cases/{case_id}")["extra"][0]["value"] == 72

    page.goto(f"/cases/{case_id}")
    expect(page.get_by_test_id("case-extra-age")).to_have_text("72")
    expect(page.locator("dt", has_text="老人年龄")).to_be_visible()
    page.get_by_test_id("lang-toggle").click()
    expect(page.locator("dt", has_text="Age")).to_be_visible()
    page.get_by_test_id("lang-toggle").click()


@pytest.mark.parametrize("width", [1280, 360])
def test_a_time_limit_is_set_in_hours_and_days(page: Page, app_ui, api, width):
    page.set_viewport_size({"width": width, "height": 900})
    _console(page, app_ui, "admin1", "sla")
    default = page.locator("[data-testid=sla-row][data-category=''][data-priority=normal]")
    expect(default.get_by_test_id("sla-durations")).to_contain_text("内接单")

    page.get_by_test_id("sla-new").click()
    form = page.get_by_test_id("sla-form")
    form.get_by_test_id("sla-category").select_option(CATEGORY)
    form.get_by_test_id("sla-priority").select_option("urgent")
    form.get_by_test_id("sla-accept-value").fill("3")
    form.get_by_test_id("sla-accept-unit").select_option("days")
    form.get_by_test_id("sla-resolve-value").fill("1")
    form.get_by_test_id("sla-resolve-unit").select_option("days")
    form.get_by_test_id("sla-submit").click()
    expect(form).to_contain_text("办结时限不能短于接单时限")

    form.get_by_test_id("sla-accept-value").fill("3")
    form.get_by_test_id("sla-accept-unit").select_option("hours")
    form.get_by_test_id("sla-resolve-value").fill("2")
    shoot(page, "console-sla-form")
    form.get_by_test_id("sla-submit").click()
    row = page.locator(f"[data-testid=sla-row][data-category={CATEGORY}][data-priority=urgent]")
    expect(row.get_by_test_id("sla-durations")).to_have_text("3 小时内接单，2 天内办结")
    shoot(page, "console-sla")
    policy = next(
        p
        for p in api.get("admin1", "/sla-policies")
        if p["category"] == CATEGORY and p["priority"] == "urgent"
    )
    assert (policy["accept_within_minutes"], policy["resolve_within_minutes"]) == (180, 2880)
    page.get_by_test_id("lang-toggle").click()
    expect(row.get_by_test_id("sla-durations")).to_have_text(
        "accept within 3 h, resolve within 2 days"
    )
    page.get_by_test_id("lang-toggle").click()
    # Back to what the built-in urgent limits give (a policy row stays; it cannot be removed).
    back = api.as_user(
        "admin1",
        "PUT",
        "/sla-policies",
        body={
            "category": CATEGORY,
            "priority": "urgent",
            "accept_within_minutes": 120,
            "resolve_within_minutes": 1440,
        },
    )
    assert back.status == 200, back


@pytest.fixture
def empty_calendar(api):
    """Clocks run on wall time for the rest of the run: every entered day goes again."""
    yield
    for year in (2026, 2027):
        for day in api.get("admin1", f"/calendar?year={year}")["days"]:
            gone = api.as_user("admin1", "DELETE", f"/calendar/days/{day['day']}")
            assert gone.status == 204, gone


@pytest.mark.parametrize("width", [1280, 360])
def test_a_year_of_the_national_calendar_is_imported(
    page: Page, app_ui, api, width, empty_calendar
):
    page.set_viewport_size({"width": width, "height": 900})
    _console(page, app_ui, "admin1", "calendar")
    page.get_by_test_id("calendar-year").select_option("2027")
    expect(page.get_by_test_id("calendar-unknown-year")).to_contain_text("2027 年的日期请逐日添加")
    expect(page.get_by_test_id("calendar-import")).to_have_count(0)
    expect(page.get_by_test_id("calendar-empty")).to_have_text("2027 年还没有节假日或调休上班日。")
    add = page.get_by_test_id("calendar-add")
    add.get_by_test_id("calendar-day").fill("2027-10-01")
    add.get_by_test_id("calendar-note").fill("国庆节")
    add.get_by_test_id("calendar-submit").click()
    expect(page.locator("[data-testid=calendar-item][data-day='2027-10-01']")).to_contain_text(
        "国庆节"
    )
    shoot(page, "console-calendar-2027")

    page.get_by_test_id("calendar-year").select_option("2026")
    page.get_by_test_id("calendar-import").click()
    expect(page.get_by_test_id("calendar-notice")).to_contain_text("已导入")
    national_day = page.locator("[data-testid=calendar-item][data-day='2026-10-01']")
    expect(national_day).to_contain_text("国庆节")
    expect(national_day).to_have_attribute("data-kind", "holiday")
    expect(page.locator("[data-testid=calendar-item][data-day='2026-09-20']")).to_have_attribute(
        "data-kind", "workday"
    )
    expect(page.get_by_test_id("calendar-not-in-use")).to_have_count(0)
    shoot(page, "console-calendar")
    days = api.get("admin1", "/calendar?year=2026")["days"]
    assert {"day": "2026-10-01", "kind": "holiday", "note": "国庆节"}.items() <= days[
        [d["day"] for d in days].index("2026-10-01")
    ].items()

    national_day.get_by_test_id("calendar-remove").click()
    expect(national_day).to_have_count(0)
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Working calendar")
    page.get_by_test_id("lang-toggle").click()


@pytest.mark.parametrize("width", [1280, 360])
def test_a_street_admin_sees_the_city_settings_read_only(page: Page, app_ui, width):
    page.set_viewport_size({"width": width, "height": 900})
    _console(page, app_ui, "streetadmin1", "categories")
    expect(page.get_by_test_id("category-item").first).to_be_visible()
    expect(page.get_by_test_id("settings-read-only")).to_be_visible()
    expect(page.get_by_test_id("category-edit")).to_have_count(0)
    expect(page.get_by_test_id("category-new")).to_have_count(0)
    # Nine sections, none cut off at a phone's width: the bar wraps.
    links = page.locator("nav.segbar > a")
    expect(links).to_have_count(9)
    for i in range(9):
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    shoot(page, "console-categories-read-only")

    page.get_by_test_id("console-sla").click()
    expect(page.get_by_test_id("sla-row").first).to_be_visible()
    expect(page.get_by_test_id("settings-read-only")).to_be_visible()
    expect(page.get_by_test_id("sla-edit")).to_have_count(0)
    expect(page.get_by_test_id("sla-new")).to_have_count(0)

    page.get_by_test_id("console-calendar").click()
    expect(page.get_by_test_id("settings-read-only")).to_be_visible()
    expect(page.get_by_test_id("calendar-year")).to_be_visible()
    expect(page.get_by_test_id("calendar-add")).to_have_count(0)
    expect(page.get_by_test_id("calendar-import")).to_have_count(0)
    shoot(page, "console-calendar-read-only")
