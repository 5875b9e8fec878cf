"""Residents' personal data reaches only the people handling their case (issue 7, items 1–5).

Each test is one defect an outside tester found; together with cases/scope.py they say
who sees which case, which of its fields and which of its events.
"""

import json

import pytest

from linli.cases.scope import PRIVATE_CASE_FIELDS
from tests.support import API, CASES, assert_problem, later

SIMILAR = f"{CASES}/similar"


def assert_no_personal_data(body, *residents) -> None:
    """Neither the name, the phone nor the id-bearing reporter of any of `residents`."""
    text = json.dumps(body, ensure_ascii=False)
    for resident in residents:
        assert resident.phone not in text, resident.username
        assert resident.display_name not in text, resident.username


# --- 1. filing on behalf of a resident ------------------------------------------------------


@pytest.fixture
def file_for(post_report, world):
    """file_for(staff, resident_id) → the response to a report for that resident in grid A1."""
    return lambda staff, resident_id: post_report(staff, on_behalf_of={"resident_id": resident_id})


@pytest.mark.parametrize("staff", ["grid_worker_a1", "dispatcher_a"])
def test_staff_file_only_for_residents_of_their_own_area(client, auth, world, file_for, staff):
    staff = getattr(world, staff)
    outside = file_for(staff, world.resident_b.id)
    unknown = file_for(staff, 999_999)
    not_a_resident = file_for(staff, world.dispatcher_b.id)

    # A resident elsewhere is answered exactly like an id that does not exist.
    body = assert_problem(outside, 422, "on_behalf_of")
    assert body == {**assert_problem(unknown, 422, "on_behalf_of"), "instance": body["instance"]}
    assert assert_problem(not_a_resident, 422)["errors"] == body["errors"]
    assert_no_personal_data(body, world.resident_b)
    theirs = client.get(f"{CASES}?mine=true", headers=auth(world.resident_b)).get_json()
    assert theirs["items"] == []


def test_a_grid_worker_files_for_a_resident_of_their_grid(client, auth, world, file_for):
    response = file_for(world.grid_worker_a1, world.resident_a.id)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["reporter"]["phone"] == world.resident_a.phone
    theirs = client.get(f"{CASES}?mine=true", headers=auth(world.resident_a)).get_json()
    assert [c["id"] for c in theirs["items"]] == [response.get_json()["id"]]


def test_residents_report_only_into_their_own_community(world, new_case, post_report):
    response = post_report(org_id=world.grid_b1.id)

    assert_problem(response, 422, "org_id")
    assert new_case(org_id=world.community_a.id)["org_id"] == world.community_a.id


# --- 2. similar cases and +1 stay in the community ------------------------------------------


def test_similar_cases_answer_only_for_the_callers_own_community(client, auth, world, new_case):
    in_b = new_case(reporter=world.resident_b, org_id=world.grid_b1.id)
    mine = new_case()
    neighbours = new_case(reporter=world.resident_a2)

    def similar(user, org):
        return client.get(f"{SIMILAR}?category=elderly_care&org_id={org.id}", headers=auth(user))

    assert_problem(similar(world.resident_a, world.grid_b1), 422, "org_id")
    assert_problem(similar(world.dispatcher_a, world.grid_b1), 422, "org_id")
    offered = similar(world.resident_a, world.grid_a1).get_json()
    assert [c["id"] for c in offered] == [neighbours["id"]]  # not my own, not community B's
    assert [c["id"] for c in similar(world.resident_b, world.grid_b1).get_json()] == []
    assert in_b["id"] not in {c["id"] for c in similar(world.admin, world.grid_a1).get_json()}
    assert mine["id"] in {c["id"] for c in similar(world.dispatcher_a, world.grid_a1).get_json()}


def test_a_plus_one_on_another_communitys_case_is_as_if_it_did_not_exist(
    client, auth, world, new_case
):
    in_b = new_case(reporter=world.resident_b, org_id=world.grid_b1.id)

    refused = client.post(f"{CASES}/{in_b['id']}/support", headers=auth(world.resident_a))
    unknown = client.post(
        f"{CASES}/00000000-0000-4000-8000-000000000000/support", headers=auth(world.resident_a)
    )

    assert_problem(refused, 404)
    assert_problem(unknown, 404)
    assert client.get(f"{CASES}/{in_b['id']}", headers=auth(world.resident_a)).status_code == 404


def test_a_supporter_sees_the_public_view_only(client, auth, world, new_case, upload_photo):
    case = new_case(
        address="1号楼 1-101 王阿姨家",
        lat=31.23,
        lon=121.47,
        description="独居老人王阿姨，电话 13911112222",
    )
    photo_url = upload_photo(case)
    assert (
        client.post(f"{CASES}/{case['id']}/support", headers=auth(world.resident_a2)).status_code
        == 200
    )

    seen = client.get(f"{CASES}/{case['id']}", headers=auth(world.resident_a2)).get_json()
    listed = client.get(CASES, headers=auth(world.resident_a2)).get_json()["items"]
    events = client.get(f"{CASES}/{case['id']}/events", headers=auth(world.resident_a2)).get_json()

    assert (seen["category"], seen["title"], seen["state"]) == (
        "elderly_care",
        case["title"],
        "submitted",
    )
    for field in ("description", "address", "lat", "lon", "reporter", "household_id", "rating"):
        assert seen[field] is None, field
    assert (seen["attachments"], seen["co_tasks"]) == ([], [])
    assert [c["id"] for c in listed] == [case["id"]]
    assert not PRIVATE_CASE_FIELDS & listed[0].keys()
    assert client.get(photo_url, headers=auth(world.resident_a2)).status_code == 404
    assert all(
        e["actor"]["id"] is None and e["actor"]["display_name"] is None
        for e in events["items"]
        if e["actor"]
    )
    for body in (seen, listed, events):
        assert_no_personal_data(body, world.resident_a)
        assert "王阿姨" not in json.dumps(body, ensure_ascii=False)
    # The reporter still sees everything of their own case.
    own = client.get(f"{CASES}/{case['id']}", headers=auth(world.resident_a)).get_json()
    assert (
        own["address"] == "1号楼 1-101 王阿姨家"
        and own["reporter"]["phone"] == world.resident_a.phone
    )


# --- 3. the timeline does not name the reporter ---------------------------------------------


def test_the_timeline_names_the_reporter_only_to_those_who_may_see_them(
    client, auth, world, assigned_case
):
    case = assigned_case()

    def submitter(user):
        events = client.get(f"{CASES}/{case['id']}/events", headers=auth(user)).get_json()["items"]
        return events, next(e["actor"] for e in events if e["action"] == "submit")

    events, actor = submitter(world.reviewer_a)
    assert actor == {"id": None, "display_name": None, "role": "resident"}
    assert_no_personal_data(events, world.resident_a)
    assign = next(e for e in events if e["action"] == "assign")
    assert assign["actor"]["display_name"] == world.dispatcher_a.display_name  # staff by name
    for handler in (world.dispatcher_a, world.provider_staff, world.resident_a):
        assert submitter(handler)[1]["id"] == world.resident_a.id


# --- 4. residents' timelines carry no internal routing data ---------------------------------


@pytest.mark.usefixtures("auto_routing")
def test_a_residents_timeline_has_no_routing_internals(client, auth, world, new_case):
    case = new_case()
    url = f"{CASES}/{case['id']}/events"

    resident_view = client.get(url, headers=auth(world.resident_a)).get_json()["items"]
    staff_view = client.get(url, headers=auth(world.dispatcher_a)).get_json()["items"]

    assert [e["action"] for e in resident_view] == ["submit", "assign"]
    assert all(set(e["data"]) <= {"channel"} for e in resident_view), resident_view
    text = json.dumps(resident_view, ensure_ascii=False)
    for internal in ("candidates", "capacity", "open_cases", "load", "rule", "provider_id"):
        assert internal not in text
    assert staff_view[1]["data"]["candidates"]  # the handlers keep the reasons


# --- 5. assignment only to providers that fit the case --------------------------------------


def test_a_dispatcher_assigns_only_providers_that_fit_the_case(world, new_case, act, make_provider):
    case = new_case()
    meals_only = make_provider(
        "社区食堂", coverage=[world.community_a], categories=["community_meals"]
    )

    elsewhere = act(world.dispatcher_a, case, "assign", provider_id=world.other_provider.id)
    wrong_category = act(world.dispatcher_a, case, "assign", provider_id=meals_only.id)
    co_unit_elsewhere = act(
        world.dispatcher_a,
        case,
        "coordinate",
        lead_provider_id=world.provider.id,
        co_providers=[{"provider_id": world.other_provider.id, "due_at": later()}],
    )

    assert_problem(elsewhere, 422, "provider_id")
    assert_problem(wrong_category, 422, "provider_id")
    assert_problem(co_unit_elsewhere, 422, "co_providers")
    assert act(world.dispatcher_a, case, "assign", provider_id=world.provider.id).status_code == 200


def test_an_officer_may_reach_wider_and_says_why(world, case_in_state, act, events_of):
    case = case_in_state("submitted", level="district")

    silent = act(world.officer_district, case, "assign", provider_id=world.other_provider.id)
    assert_problem(silent, 422, "note")
    reached = act(
        world.officer_district,
        case,
        "assign",
        provider_id=world.other_provider.id,
        note="乙社区志愿队有助浴设备，区里协调",
    )

    assert reached.status_code == 200, reached.get_json()
    assign = [e for e in events_of(case) if e["action"] == "assign"][-1]
    assert assign["note"] == "乙社区志愿队有助浴设备，区里协调"
    assert assign["data"]["beyond_fit_provider_ids"] == [world.other_provider.id]


@pytest.fixture
def upload_photo(client, auth, world):
    """upload_photo(case) → the URL of a small PNG the reporter attached."""
    import io

    from PIL import Image

    def upload(case):
        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, format="PNG")
        response = client.post(
            f"{API}/cases/{case['id']}/attachments",
            data={"file": (io.BytesIO(out.getvalue()), "p.png")},
            content_type="multipart/form-data",
            headers=auth(world.resident_a),
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["url"]

    return upload


# --- 10 (last part). a resident's reports are rate-limited --------------------------------


def test_a_resident_files_a_bounded_number_of_reports(
    app, world, new_case, post_report, monkeypatch
):
    monkeypatch.setitem(app.config, "REPORT_LIMIT_PER_RESIDENT", "3 per hour")
    sent = [new_case(id=f"00000000-0000-4000-8000-00000000000{i}") for i in range(3)]
    replay = post_report(id=sent[0]["id"])

    refused = post_report(title="第四次")

    assert replay.get_json()["id"] == sent[0]["id"]  # the same report again is not a new one
    assert_problem(refused, 429)
    assert refused.headers["Retry-After"]
    assert new_case(reporter=world.resident_a2)["state"] == "submitted"  # others go on
    assert new_case(reporter=world.grid_worker_a1)["state"] == "submitted"  # staff are not limited
