"""The community board: residents see their own community's open and recently solved needs
as a notice board shows them (no reporter, no address) and +1 from there."""

from datetime import timedelta

import pytest

from linli.db import utcnow
from linli.extensions import db
from tests.support import CASES, assert_problem, case_row

BOARD = f"{CASES}/board"
NOTICE_FIELDS = {
    "id",
    "reference",
    "category",
    "title",
    "state",
    "org_name",
    "supporters",
    "created_at",
    "resolved_at",
    "supported_by_me",
    "mine",
    "resolution_note",
    "resolution_at",
}


def board(client, auth, user, **query):
    response = client.get(BOARD, query_string=query, headers=auth(user))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_neighbours_see_the_need_as_a_notice_board_shows_it(client, auth, world, new_case):
    case = new_case(title="楼道漏水", description="王阿姨家三楼", address="5号楼2单元301")
    (row,) = board(client, auth, world.resident_a2)["items"]
    assert row.keys() == NOTICE_FIELDS
    assert (row["id"], row["title"], row["mine"], row["supported_by_me"]) == (
        case["id"],
        "楼道漏水",
        False,
        False,
    )
    assert "王阿姨" not in str(row) and "301" not in str(row)
    assert board(client, auth, world.resident_a)["items"][0]["mine"] is True
    assert board(client, auth, world.resident_b)["items"] == []  # another community


def test_a_plus_one_from_the_board_counts(client, auth, world, new_case):
    case = new_case()
    response = client.post(f"{CASES}/{case['id']}/support", headers=auth(world.resident_a2))
    assert response.status_code == 200
    (row,) = board(client, auth, world.resident_a2)["items"]
    assert (row["supporters"], row["supported_by_me"]) == (1, True)


def test_the_board_leaves_out_withdrawn_rejected_and_long_solved_needs(
    client, auth, world, new_case, drive
):
    drive(new_case(title="撤回的"), world.resident_a, "withdraw")
    drive(new_case(title="不受理的"), world.dispatcher_a, "reject", reason="重复")
    solved = new_case(title="刚解决的")
    solved = drive(solved, world.dispatcher_a, "assign", provider_id=world.provider.id)
    solved = drive(solved, world.provider_staff, "accept")
    solved = drive(solved, world.provider_staff, "resolve", note="好了")
    old = new_case(title="早解决的", reporter=world.resident_a2)
    old = drive(old, world.dispatcher_a, "assign", provider_id=world.provider.id)
    old = drive(old, world.provider_staff, "accept")
    old = drive(old, world.provider_staff, "resolve", note="好了")
    case_row(old).resolved_at = utcnow() - timedelta(days=31)
    db.session.commit()
    open_one = new_case(title="还在办的", reporter=world.resident_a2)
    titles = [r["title"] for r in board(client, auth, world.resident_a2)["items"]]
    assert titles == [open_one["title"], solved["title"]]


def test_the_board_pages_newest_first(client, auth, world, new_case):
    ids = [new_case(title=f"第{i}件")["id"] for i in range(3)]
    seen, cursor = [], None
    while True:
        page = board(
            client, auth, world.resident_a2, limit=2, **({"cursor": cursor} if cursor else {})
        )
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids[::-1]


@pytest.mark.parametrize("who", ["grid_worker_a1", "dispatcher_a", "provider_staff", "admin"])
def test_the_board_is_for_residents(client, auth, world, who):
    assert_problem(client.get(BOARD, headers=auth(getattr(world, who))), 403)


@pytest.mark.parametrize(("query", "field"), [({"cursor": "x"}, "cursor"), ({"limit": 0}, "limit")])
def test_a_bad_page_of_the_board_is_a_422(client, auth, world, query, field):
    response = client.get(BOARD, query_string=query, headers=auth(world.resident_a))
    assert_problem(response, 422, field)


def test_a_solved_need_says_what_was_done_and_when_not_by_whom(
    client, auth, world, new_case, drive
):
    solved = new_case(title="路灯不亮")
    solved = drive(solved, world.dispatcher_a, "assign", provider_id=world.provider.id)
    solved = drive(solved, world.provider_staff, "accept")
    solved = drive(solved, world.provider_staff, "resolve", note="已更换灯泡")
    open_one = new_case(title="还在办的")
    rows = {r["title"]: r for r in board(client, auth, world.resident_a2)["items"]}

    done = rows["路灯不亮"]
    assert (done["resolution_note"], done["resolution_at"]) == ("已更换灯泡", solved["resolved_at"])
    assert (
        rows[open_one["title"]]["resolution_note"],
        rows[open_one["title"]]["resolution_at"],
    ) == (
        None,
        None,
    )
    text = str(board(client, auth, world.resident_a2))
    for name in (world.provider_staff.display_name, world.resident_a.display_name):
        assert name not in text


def test_after_rework_the_board_shows_the_latest_resolution(client, auth, world, new_case, drive):
    case = new_case(title="漏水")
    case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(case, world.provider_staff, "accept")
    case = drive(case, world.provider_staff, "resolve", note="先堵上了")
    case = drive(case, world.dispatcher_a, "reopen")
    case = drive(case, world.provider_staff, "accept")
    case = drive(case, world.provider_staff, "resolve", note="换了水管")
    (row,) = board(client, auth, world.resident_a2)["items"]
    assert row["resolution_note"] == "换了水管"
