"""The list representation (issue 9): a queue row carries what the row shows, the case
itself the rest, and the two never disagree."""

import json

from linli.cases.schemas import CaseSummaryOut
from linli.cases.scope import PRIVATE_CASE_FIELDS
from tests.support import CASES

SUMMARY_FIELDS = set(CaseSummaryOut().fields)


def test_each_role_s_rows_say_what_the_case_itself_says_and_nothing_private(
    client, auth, world, new_case, drive
):
    waiting = new_case(title="楼道灯不亮")
    working = drive(
        new_case(title="电梯停运"), world.dispatcher_a, "assign", provider_id=world.provider.id
    )
    working = drive(working, world.provider_staff, "accept")
    solved = drive(working, world.provider_staff, "resolve", note="修好了")
    client.post(f"{CASES}/{waiting['id']}/support", headers=auth(world.resident_a2))
    queued = drive(
        new_case(title="门禁坏了"), world.dispatcher_a, "assign", provider_id=world.provider.id
    )

    for user, expected in (
        (world.dispatcher_a, {waiting["id"], solved["id"], queued["id"]}),
        (world.provider_staff, {solved["id"], queued["id"]}),
        (world.resident_a, {waiting["id"], solved["id"], queued["id"]}),
        (world.resident_a2, {waiting["id"]}),  # a neighbour who +1'd
    ):
        headers = auth(user)
        rows = client.get(CASES, query_string={"limit": 50}, headers=headers).get_json()["items"]
        assert {r["id"] for r in rows} == expected, user.username
        for row in rows:
            assert set(row) == SUMMARY_FIELDS
            assert not PRIVATE_CASE_FIELDS & row.keys()
            whole = client.get(f"{CASES}/{row['id']}", headers=headers).get_json()
            assert row == {field: whole[field] for field in row}, (user.username, row["title"])


def test_a_row_is_a_fraction_of_the_case(client, auth, world, new_case):
    case = new_case(description="三楼天花板滴水，已经一周了，" * 20, address="1号楼 2单元 301")
    headers = auth(world.dispatcher_a)
    row = client.get(CASES, headers=headers).get_json()["items"][0]
    whole = client.get(f"{CASES}/{case['id']}", headers=headers).get_json()

    row_bytes = len(json.dumps(row, ensure_ascii=False).encode())
    assert row_bytes < 800
    assert row_bytes * 2 < len(json.dumps(whole, ensure_ascii=False).encode())


def test_the_review_queue_lists_rows_too(client, auth, world, new_case, drive):
    rejected = drive(new_case(title="重复上报"), world.dispatcher_a, "reject", reason="重复")
    headers = auth(world.reviewer_a)

    items = client.get("/api/v1/reviews", headers=headers).get_json()["items"]

    assert [(i["case"]["id"], i["reasons"]) for i in items] == [(rejected["id"], ["rejected"])]
    row = items[0]["case"]
    assert set(row) == SUMMARY_FIELDS
    whole = client.get(f"{CASES}/{row['id']}", headers=headers).get_json()
    assert row == {field: whole[field] for field in row}
