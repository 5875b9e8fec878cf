"""City-wide settings in the console: a category's extra questions and their answers on a
case, its order and names, and the working calendar the SLA clocks count in. Only a city
admin changes them; every change is an audit row."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from linli.audit.models import AuditRecord
from linli.escalation.models import CalendarDay
from linli.extensions import db
from tests.support import API, assert_problem, count

SHANGHAI = ZoneInfo("Asia/Shanghai")
AGE = {"key": "age", "label_zh": "老人年龄", "label_en": "Age", "type": "number", "required": True}
ALONE = {"key": "alone", "label_zh": "是否独居", "label_en": "Lives alone", "type": "boolean"}
FLOOR = {
    "key": "floor",
    "label_zh": "楼层",
    "label_en": "Floor",
    "type": "choice",
    "choices": [
        {"key": "low", "label_zh": "低层", "label_en": "Low"},
        {"key": "high", "label_zh": "高层", "label_en": "High"},
    ],
}


@pytest.fixture
def ask(client, auth, world):
    """ask(*fields) → elderly_care asks these extra questions (set by the city admin)."""

    def set_fields(*fields):
        response = client.patch(
            f"{API}/categories/elderly_care", headers=auth(world.admin), json={"fields": fields}
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return set_fields


def test_extra_questions_are_listed_with_the_category_and_answered_on_a_case(
    client, auth, world, ask, new_case
):
    ask(AGE, ALONE, FLOOR)
    listed = client.get(f"{API}/categories").get_json()
    elderly = next(c for c in listed if c["code"] == "elderly_care")
    assert [f["key"] for f in elderly["fields"]] == ["age", "alone", "floor"]
    assert elderly["fields"][0]["required"] is True
    assert elderly["fields"][2]["choices"][1] == FLOOR["choices"][1]

    case = new_case(extra={"floor": "high", "age": 82, "alone": True})

    assert case["extra"] == [
        {**_label(AGE), "value": 82, "value_zh": None, "value_en": None},
        {**_label(ALONE), "value": True, "value_zh": None, "value_en": None},
        {**_label(FLOOR), "value": "high", "value_zh": "高层", "value_en": "High"},
    ]
    handled = client.get(f"{API}/cases/{case['id']}", headers=auth(world.dispatcher_a))
    assert [a["value"] for a in handled.get_json()["extra"]] == [82, True, "high"]


def _label(field):
    return {k: field[k] for k in ("key", "type", "label_zh", "label_en")}


@pytest.mark.parametrize(
    "extra, field",
    [
        ({}, "extra.age"),  # a required question left out
        ({"age": ""}, "extra.age"),
        ({"age": "82"}, "extra.age"),  # a number as text
        ({"age": True}, "extra.age"),
        ({"age": 82, "alone": "yes"}, "extra.alone"),
        ({"age": 82, "floor": "middle"}, "extra.floor"),  # not one of the choices
        ({"age": 82, "pets": 2}, "extra.pets"),  # not a question of this category
    ],
)
def test_wrong_answers_are_refused_field_by_field(post_report, ask, extra, field):
    ask(AGE, ALONE, FLOOR)
    before = count(AuditRecord)
    body = assert_problem(post_report(extra=extra), 422, field)
    assert list(body["errors"]) == [field]
    assert count(AuditRecord) == before


def test_a_category_without_questions_refuses_any_answer(post_report):
    assert_problem(post_report(extra={"age": 3}), 422, "extra.age")


@pytest.mark.parametrize(
    "fields, field",
    [
        ([AGE, {**ALONE, "key": "age"}], "fields.1.key"),
        ([{**FLOOR, "choices": []}], "fields.0.choices"),
        ([{**AGE, "choices": FLOOR["choices"]}], "fields.0.choices"),
        ([{**AGE, "type": "date"}], "fields"),
        ([{**AGE, "key": "Age!"}], "fields"),
    ],
)
def test_an_inconsistent_definition_is_refused(client, auth, world, fields, field):
    response = client.patch(
        f"{API}/categories/elderly_care", headers=auth(world.admin), json={"fields": fields}
    )
    assert_problem(response, 422, field)


def test_a_change_of_questions_names_and_order_is_audited(client, auth, world, ask):
    ask(AGE)
    moved = client.patch(
        f"{API}/categories/facility",
        headers=auth(world.admin),
        json={"name_zh": "设施报修", "position": 0},
    )
    assert moved.status_code == 200, moved.get_json()
    codes = [c["code"] for c in client.get(f"{API}/categories").get_json()]
    assert codes[:2] == ["facility", "elderly_care"]

    records = db.session.scalars(
        db.select(AuditRecord).where(AuditRecord.object_type == "category")
    ).all()
    changes = [r.changes for r in records]
    assert {"fields": [[], [AGE | {"choices": []} | {"required": True}]]} in changes
    renamed = next(c for c in changes if "name_zh" in c)
    assert renamed["name_zh"] == ["设施问题", "设施报修"]
    assert renamed["sort_order"][1] == 0


def test_inactive_categories_are_listed_on_request(client, auth, world):
    client.patch(f"{API}/categories/fitness", headers=auth(world.admin), json={"active": False})
    assert "fitness" not in [c["code"] for c in client.get(f"{API}/categories").get_json()]
    every = client.get(f"{API}/categories?include_inactive=true").get_json()
    assert next(c for c in every if c["code"] == "fitness")["active"] is False


# --- the working calendar -----------------------------------------------------------------------


def test_a_holiday_entered_through_the_api_moves_a_new_cases_deadline(
    client, auth, world, new_case, time_machine
):
    time_machine.move_to(datetime(2026, 3, 9, 1, 0, tzinfo=UTC), tick=False)  # Monday 09:00
    before = new_case()
    assert _shanghai(before["accept_due_at"]) == "2026-03-10 09:00"

    entered = client.put(
        f"{API}/calendar/days/2026-03-10",
        headers=auth(world.admin),
        json={"kind": "holiday", "note": "区级停工"},
    )
    assert entered.status_code == 200, entered.get_json()

    after = new_case(title="第二件")
    assert _shanghai(after["accept_due_at"]) == "2026-03-11 09:00"  # Tuesday does not count
    # 7 × 24 h of working time: Monday's 15 h, Wednesday to Friday, Monday to Wednesday, and
    # Thursday's first 9 h (the weekend and the holiday do not count)
    assert _shanghai(after["resolve_due_at"]) == "2026-03-19 09:00"
    assert _shanghai(before["accept_due_at"]) == "2026-03-10 09:00"  # started clocks keep theirs

    removed = client.delete(f"{API}/calendar/days/2026-03-10", headers=auth(world.admin))
    assert removed.status_code == 204
    audit = db.session.scalars(
        db.select(AuditRecord.changes).where(AuditRecord.object_type == "calendar_day")
    ).all()
    assert audit == [
        {"kind": [None, "holiday"], "note": [None, "区级停工"]},
        {"kind": ["holiday", None], "note": ["区级停工", None]},
    ]
    # An empty calendar: wall time again.
    assert _shanghai(new_case(title="第三件")["resolve_due_at"]) == "2026-03-16 09:00"


def _shanghai(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def test_the_national_calendar_fills_in_a_year_it_knows(client, auth, world):
    headers = auth(world.admin)
    imported = client.post(f"{API}/calendar/national-import", headers=headers, json={"year": 2026})
    assert imported.status_code == 200, imported.get_json()
    body = imported.get_json()
    days = {d["day"]: (d["kind"], d["note"]) for d in body["days"]}
    assert days["2026-10-01"] == ("holiday", "国庆节")
    assert days["2026-02-28"] == ("workday", "春节")  # a Saturday worked in exchange
    assert body["changed"] == len(days) and body["in_use"] is True
    again = client.post(f"{API}/calendar/national-import", headers=headers, json={"year": 2026})
    assert again.get_json()["changed"] == 0  # safe to rerun

    listed = client.get(f"{API}/calendar?year=2026", headers=headers).get_json()
    assert len(listed["days"]) == len(days)
    assert client.get(f"{API}/calendar?year=2025", headers=headers).get_json()["days"] == []


def test_a_year_the_national_calendar_lacks_is_entered_by_hand(client, auth, world):
    response = client.post(
        f"{API}/calendar/national-import", headers=auth(world.admin), json={"year": 2099}
    )
    body = assert_problem(response, 422, "year")
    assert "by hand" in body["errors"]["year"][0]
    assert count(CalendarDay) == 0


@pytest.mark.parametrize(
    "method, path, body, status, field",
    [
        ("put", "/calendar/days/2026-02-30", {"kind": "holiday"}, 422, "day"),
        ("put", "/calendar/days/2026-10-01", {"kind": "weekend"}, 422, "kind"),
        ("put", "/calendar/days/2026-10-01", {"kind": "holiday", "note": "x" * 61}, 422, "note"),
        ("delete", "/calendar/days/2026-10-01", None, 404, None),
        ("get", "/calendar?year=1900", None, 422, "year"),
    ],
)
def test_bad_calendar_input_is_a_problem(client, auth, world, method, path, body, status, field):
    response = getattr(client, method)(f"{API}{path}", headers=auth(world.admin), json=body)
    assert_problem(response, status, field)


def test_the_calendar_file_can_be_imported_into_the_database(app, tmp_path):
    path = tmp_path / "calendar.json"
    path.write_text('{"holidays": ["2026-10-01"], "workdays": ["2026-09-27"]}', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["escalation", "calendar-import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 days" in result.output
    kinds = {d.day.isoformat(): d.kind.value for d in db.session.scalars(db.select(CalendarDay))}
    assert kinds == {"2026-10-01": "holiday", "2026-09-27": "workday"}


# --- who may change them ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("patch", "/categories/elderly_care", {"fields": [AGE]}),
        ("patch", "/categories/elderly_care", {"position": 3}),
        ("put", "/calendar/days/2026-10-01", {"kind": "holiday"}),
        ("delete", "/calendar/days/2026-10-01", None),
        ("post", "/calendar/national-import", {"year": 2026}),
    ],
)
def test_a_street_admin_reads_the_city_settings_but_does_not_change_them(
    client, auth, world, streets, method, path, body
):
    response = getattr(client, method)(f"{API}{path}", headers=auth(streets.admin1), json=body)
    assert_problem(response, 403)
    assert count(AuditRecord) == 0
    assert client.get(f"{API}/calendar?year=2026", headers=auth(streets.admin1)).status_code == 200


def test_only_administrators_read_the_calendar(client, auth, world):
    assert_problem(client.get(f"{API}/calendar?year=2026", headers=auth(world.dispatcher_a)), 403)


def test_a_sweep_reads_the_calendar_once_however_many_cases_climb(
    client, auth, world, new_case, sweep
):
    client.put(
        f"{API}/calendar/days/2026-03-10", headers=auth(world.admin), json={"kind": "holiday"}
    )
    for i in range(3):
        new_case(title=f"诉求 {i}")
    reads = []

    def seen(_conn, _cursor, statement, *_args):
        if "FROM calendar_days" in statement:
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        result = sweep(datetime(2030, 1, 1, tzinfo=UTC))
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert result.escalated == 3
    assert len(reads) == 1
