"""Service requests: filed with a key through the same case service, read back as public data."""

from datetime import timedelta

import pytest

from linli.cases.models import Case, Channel
from linli.db import utcnow
from linli.extensions import db
from linli.open311 import keys
from tests.open311.conftest import V2, as_xml_text, xml_items
from tests.support import events_of

REPORTER = {
    "first_name": "芳",
    "last_name": "王",
    "phone": "13911112222",
    "email": "wf@example.org",
}


def _case(reference: str) -> Case:
    db.session.expire_all()
    return db.session.scalar(db.select(Case).where(Case.reference == reference))


def test_a_posted_request_is_a_case_in_the_keys_community_read_back_as_filed(
    client, world, post_request, conforms, issued
):
    response = post_request(
        lat="39.9042", long="116.4074", media_url="https://img.example.org/lamp.jpg", **REPORTER
    )

    assert response.status_code == 201, response.get_json()
    [answer] = response.get_json()
    case = _case(answer["service_request_id"])
    assert (case.channel, case.org_id, case.category.code) == (
        Channel.OPEN311,
        world.community_a.id,
        "other",
    )
    assert (case.reporter_name, case.reporter_phone, case.reporter_id) == (
        "王芳",
        "13911112222",
        None,
    )
    assert case.created_by_id == issued[0].account_id
    [submit] = events_of({"id": str(case.id)}, "submit")
    assert submit.data["channel"] == "open311"
    assert submit.data["media_url"] == "https://img.example.org/lamp.jpg"

    [read] = conforms(
        client.get(f"{V2}/requests/{answer['service_request_id']}.json").get_json(),
        "requests.json",
    )
    assert read["status"] == "open"
    assert read["description"] == "路灯坏了，晚上很黑"
    assert read["address"] == "桃园路1号"
    assert (read["lat"], read["long"]) == (39.9042, 116.4074)
    assert read["media_url"] == "https://img.example.org/lamp.jpg"
    assert read["service_name"] == "其他诉求"
    assert read["requested_datetime"].endswith("+00:00")
    assert read["expected_datetime"] == case.resolve_due_at.isoformat()


def test_a_reporters_contact_details_are_in_no_answer(client, world, post_request):
    answers = [post_request(**REPORTER), post_request(fmt="xml", **REPORTER)]
    reference = answers[0].get_json()[0]["service_request_id"]
    reads = [
        client.get(f"{V2}/requests.json"),
        client.get(f"{V2}/requests.xml"),
        client.get(f"{V2}/requests/{reference}.json"),
        client.get(f"{V2}/requests/{reference}.xml"),
        client.get(f"{V2}/requests.json", query_string={"service_request_id": reference}),
    ]

    for response in answers + reads:
        body = response.get_data(as_text=True)
        assert response.status_code < 300, body
        for secret in ("王芳", "13911112222", "wf@example.org", "芳"):
            assert secret not in body
    assert len(reads[0].get_json()) == 2


def test_the_xml_answers_carry_what_the_json_ones_do(client, world, post_request):
    posted = post_request(
        fmt="xml", service_code="facility", **{"attribute[facility_kind]": "lift"}
    )
    [answer] = xml_items(posted)
    reference = answer["service_request_id"]
    as_json = client.get(f"{V2}/requests/{reference}.json").get_json()

    assert posted.status_code == 201
    assert xml_items(client.get(f"{V2}/requests/{reference}.xml")) == [
        as_xml_text(r) for r in as_json
    ]
    assert xml_items(client.get(f"{V2}/requests.xml")) == [
        as_xml_text(r) for r in client.get(f"{V2}/requests.json").get_json()
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_a_missing_or_wrong_key_is_a_403_and_files_nothing(client, world, fmt, key):
    before = db.session.scalar(db.select(db.func.count(Case.id)))
    form = {"service_code": "other", "address_string": "x", "description": "d"}
    if key is not None:
        form["api_key"] = key
    response = client.post(f"{V2}/requests.{fmt}", data=form)

    assert response.status_code == 403
    if fmt == "json":
        assert response.get_json()[0]["code"] == 403
    else:
        assert xml_items(response)[0]["code"] == "403"
    assert db.session.scalar(db.select(db.func.count(Case.id))) == before


def test_a_revoked_key_opens_nothing(client, world, post_request, issued):
    keys.revoke_key(world.admin, issued[0].id, now=utcnow())

    assert post_request().status_code == 403


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"service_code": None}, "service_code"),
        ({"address_string": None}, "location"),
        ({"address_string": "  "}, "location"),
        ({"address_string": None, "lat": "39.9"}, "long"),
        ({"lat": "91", "long": "116"}, "lat"),
        ({"service_code": "no_such"}, "service_code"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"phone": "1" * 21}, "phone"),
        ({"service_code": "elderly_care"}, "attribute[building]"),
        (
            {"service_code": "facility", "attribute[facility_kind]": "moon"},
            "attribute[facility_kind]",
        ),
        ({"attribute[colour]": "red"}, "attribute[colour]"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(post_request, world, form, field):
    response = post_request(**form)

    assert response.status_code == 400, response.get_json()
    descriptions = [e["description"] for e in response.get_json()]
    assert all(e["code"] == 400 for e in response.get_json())
    assert any(d.startswith(f"{field}:") for d in descriptions), descriptions


def test_attributes_are_checked_and_kept_for_the_handlers_not_the_public(
    client, world, post_request
):
    response = post_request(
        service_code="elderly_care",
        **{"attribute[building]": "3号楼", "attribute[household]": "2-101"},
    )

    reference = response.get_json()[0]["service_request_id"]
    case = _case(reference)
    [submit] = events_of({"id": str(case.id)}, "submit")
    assert submit.data["attributes"] == {"building": "3号楼", "household": "2-101"}
    assert "2-101" not in client.get(f"{V2}/requests/{reference}.json").get_data(as_text=True)


def test_an_unknown_request_is_a_404(client, world):
    for path in ("requests/LL-2026-999999.json", "requests/nothing.xml"):
        assert client.get(f"{V2}/{path}").status_code == 404


def test_an_app_case_shows_only_what_the_notice_board_does(client, world, new_case, drive):
    case = new_case(address="1号楼 1-101", description="王阿姨行动不便", lat=39.9, lon=116.4)
    drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id, note="请尽快上门")

    [read] = client.get(
        f"{V2}/requests.json", query_string={"service_request_id": case["reference"]}
    ).get_json()

    assert read["description"] == case["title"]
    assert (read["address"], read["lat"], read["long"], read["media_url"]) == (None,) * 4
    assert read["agency_responsible"] == world.provider.name
    assert read["service_notice"] == "待接单"
    body = client.get(f"{V2}/requests.json").get_data(as_text=True)
    for private in ("1-101", "王阿姨", world.resident_a.display_name, world.resident_a.phone):
        assert private not in body


def test_status_notes_come_from_the_latest_public_event_only(client, world, new_case, drive, act):
    case = new_case()
    case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id, note="已派单")
    act(world.reviewer_a, case, "reviews", kind="note", note="内部督办", public=False)

    [read] = client.get(f"{V2}/requests/{case['reference']}.json").get_json()

    assert read["status_notes"] == "已派单"


def test_filters_by_id_status_service_and_dates(client, world, new_case, drive, post_request):
    app_case = new_case()
    filed = post_request(service_code="other").get_json()[0]["service_request_id"]
    rejected = drive(new_case(category="health"), world.dispatcher_a, "reject", reason="重复")

    def listed(**query):
        response = client.get(f"{V2}/requests.json", query_string=query)
        assert response.status_code == 200, response.get_json()
        return {r["service_request_id"] for r in response.get_json()}

    assert listed() == {app_case["reference"], filed, rejected["reference"]}
    assert listed(status="closed") == {rejected["reference"]}
    assert listed(status="open", service_code="other,health") == {filed}
    assert listed(service_code="elderly_care") == {app_case["reference"]}
    # The ids override every other filter, the dates too.
    assert listed(service_request_id=f"{filed},{rejected['reference']}", status="open") == {
        filed,
        rejected["reference"],
    }
    now = utcnow()
    assert listed(end_date=(now - timedelta(days=1)).isoformat()) == set()
    assert len(listed(start_date=(now - timedelta(days=1)).isoformat())) == 3


def test_pages_hold_page_size_requests_newest_first(client, world, post_request):
    filed = [post_request().get_json()[0]["service_request_id"] for _ in range(3)]

    def page(n):
        query = {"page": n, "page_size": 2}
        return [
            r["service_request_id"]
            for r in client.get(f"{V2}/requests.json", query_string=query).get_json()
        ]

    assert page(1) + page(2) == sorted(filed, reverse=True)
    assert page(3) == []


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"start_date": "2026-01-01"},  # no time, no offset
        {"status": "pending"},
        {"page_size": "1001"},
        {"page": "0"},
    ],
)
def test_a_bad_search_is_a_400(client, world, query):
    response = client.get(f"{V2}/requests.json", query_string=query)

    assert response.status_code == 400, response.get_json()
    assert response.get_json()[0]["code"] == 400


def test_the_same_case_service_runs_the_lifecycle_of_an_open311_case(
    client, world, post_request, drive, fetch
):
    reference = post_request().get_json()[0]["service_request_id"]
    case = fetch({"id": str(_case(reference).id)}, as_=world.dispatcher_a)
    case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(case, world.provider_staff, "accept")
    drive(case, world.provider_staff, "resolve", note="已修好")

    [read] = client.get(f"{V2}/requests/{reference}.json").get_json()
    assert (read["status"], read["status_notes"], read["expected_datetime"]) == (
        "closed",
        "已修好",
        None,
    )
    assert fetch(case, as_=world.dispatcher_a)["reporter"]["phone"] == ""


def test_each_key_has_its_own_rate_limit(client, world, post_request):
    row, other_key = keys.issue_key(
        "另一个App",
        community_id=world.community_a.id,
        rate_limit="2 per hour",
        actor=None,
        now=utcnow(),
    )
    form = {"api_key": other_key, "service_code": "other", "address_string": "x"}

    answers = [client.post(f"{V2}/requests.json", data=form) for _ in range(3)]

    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].get_json()[0]["code"] == 429
    assert answers[0].get_json()[0]["service_notice"] == "待派单"
    assert post_request().status_code == 201  # the first key counts on its own
    assert row.rate_limit == "2 per hour"


def test_a_page_of_requests_costs_the_same_statements_however_many_it_holds(
    client, world, post_request, statements
):
    post_request()
    one = statements(lambda: client.get(f"{V2}/requests.json"))
    for _ in range(4):
        post_request(media_url="https://img.example.org/x.jpg")
    five = statements(lambda: client.get(f"{V2}/requests.json"))

    assert len(client.get(f"{V2}/requests.json").get_json()) == 5
    assert five == one


def test_no_one_claims_the_open311_channel_in_the_app(client, auth, world):
    body = {
        "category": "other",
        "title": "冒充",
        "description": "d",
        "org_id": world.grid_a1.id,
        "channel": "open311",
    }
    for user in (world.dispatcher_a, world.admin, world.grid_worker_a1, world.resident_a):
        response = client.post("/api/v1/cases", headers=auth(user), json=body)

        assert response.status_code == 422, (user.role, response.get_json())
        assert "channel" in response.get_json()["errors"]
