"""The review queue searched and sorted the way the case list is (one search, one set of orders)."""

import pytest

from tests.support import API, assert_problem

REVIEWS = f"{API}/reviews"


@pytest.fixture
def rejected(new_case, drive, world):
    """rejected(**report fields) → a case declined at triage (so it waits for review)."""

    def build(**fields):
        return drive(new_case(**fields), world.dispatcher_a, "reject", reason="重复上报")

    return build


@pytest.fixture
def queue(client, auth, world):
    def get(user=None, **query):
        response = client.get(REVIEWS, query_string=query, headers=auth(user or world.reviewer_a))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return get


def ids(page):
    return [item["case"]["id"] for item in page["items"]]


def test_the_review_queue_is_found_by_title_reference_description_and_address(rejected, queue):
    lift = rejected(title="电梯停运", description="三楼电梯门打不开", address="3号楼")
    lamp = rejected(title="路灯不亮", address="小区东门")

    assert ids(queue(q="电梯")) == [lift["id"]]
    assert ids(queue(q=lamp["reference"])) == [lamp["id"]]
    assert ids(queue(q="门打不开")) == [lift["id"]]
    assert ids(queue(q="东门")) == [lamp["id"]]
    assert ids(queue(q="没有这件事")) == []


def test_the_review_search_stays_in_the_reviewers_community(
    rejected, new_case, drive, queue, world
):
    rejected(title="电梯停运")
    elsewhere = new_case(title="电梯停运", reporter=world.resident_b, org_id=world.grid_b1.id)
    drive(elsewhere, world.dispatcher_b, "reject", reason="重复上报")
    assert [item["case"]["org_id"] for item in queue(q="电梯")["items"]] == [world.grid_a1.id]


def test_the_review_queue_sorts_and_pages(rejected, queue):
    first, second, third = (rejected(title=f"第{i}件") for i in range(3))
    assert ids(queue(sort="oldest")) == [first["id"], second["id"], third["id"]]
    assert ids(queue()) == [third["id"], second["id"], first["id"]]
    page = queue(sort="oldest", limit=2)
    assert ids(page) == [first["id"], second["id"]]
    rest = queue(sort="oldest", limit=2, cursor=page["next_cursor"])
    assert (ids(rest), rest["next_cursor"]) == ([third["id"]], None)


@pytest.mark.parametrize(("query", "field"), [({"sort": "up"}, "sort"), ({"q": "x" * 101}, "q")])
def test_bad_review_queries_are_problems(client, auth, world, query, field):
    response = client.get(REVIEWS, query_string=query, headers=auth(world.reviewer_a))
    assert_problem(response, 422, field)


def test_a_cursor_of_another_order_is_refused(rejected, queue, client, auth, world):
    rejected()
    rejected()
    cursor = queue(sort="oldest", limit=1)["next_cursor"]
    response = client.get(
        REVIEWS, query_string={"sort": "newest", "cursor": cursor}, headers=auth(world.reviewer_a)
    )
    assert_problem(response, 422, "cursor")
