"""Similar open cases for a +1, ranked by how alike they are to what is being typed
(issue 10 item 6): character pairs, so Chinese needs no word splitting."""

import pytest

from linli.cases.similarity import likeness
from tests.support import CASES, assert_problem

SIMILAR = f"{CASES}/similar"


def test_likeness_counts_shared_character_pairs():
    assert likeness("楼道漏水", "楼道漏水") == 1.0
    assert likeness("电梯经常停运", "楼道漏水") == 0.0
    assert (
        likeness("楼道漏水，墙面发霉", "3号楼楼道漏水严重") > likeness("楼道漏水", "楼道灯坏了") > 0
    )
    assert likeness("", "任何") == 0.0
    assert likeness("Lift broken", "lift is broken!") > 0.5  # case and punctuation aside


@pytest.fixture
def neighbours(new_case, world):
    """Facility cases of resident_a2 (a neighbour of resident_a), oldest first."""
    return [
        new_case(reporter=world.resident_a2, category="facility", title=title, description=text)
        for title, text in (
            ("电梯经常停运", "电梯每天都停好几次"),
            ("楼道漏水严重", "3号楼楼道漏水，墙皮脱落"),
            ("楼道灯坏了", "晚上楼道里很黑"),
        )
    ]


def similar(client, auth, user, world, **query):
    response = client.get(
        SIMILAR,
        query_string={"category": "facility", "org_id": world.grid_a1.id, **query},
        headers=auth(user),
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_most_alike_come_first_and_unlike_ones_are_left_out(neighbours, client, auth, world):
    found = similar(client, auth, world.resident_a, world, text="楼道漏水，墙面发霉")

    titles = [c["title"] for c in found]
    assert titles[0] == "楼道漏水严重"
    assert "电梯经常停运" not in titles
    assert all(0 < c["similarity"] <= 1 for c in found)
    assert [c["similarity"] for c in found] == sorted(
        (c["similarity"] for c in found), reverse=True
    )


def test_without_text_every_nearby_case_of_the_category_newest_first(
    neighbours, client, auth, world
):
    found = similar(client, auth, world.resident_a, world)

    assert [c["id"] for c in found] == [c["id"] for c in reversed(neighbours)]
    assert {c["similarity"] for c in found} == {None}


def test_each_says_whether_the_caller_has_plus_oned_it_and_own_cases_are_not_offered(
    neighbours, new_case, client, auth, world
):
    own = new_case(category="facility", title="楼道漏水", description="我家门口楼道漏水")
    response = client.post(f"{CASES}/{neighbours[1]['id']}/support", headers=auth(world.resident_a))
    assert response.status_code == 200, response.get_json()

    found = {c["id"]: c for c in similar(client, auth, world.resident_a, world, text="楼道漏水")}

    assert own["id"] not in found
    assert found[neighbours[1]["id"]]["supported_by_me"] is True
    assert found[neighbours[1]["id"]]["supporters"] == 1
    assert found[neighbours[2]["id"]]["supported_by_me"] is False


def test_overlong_text_is_refused_by_field(client, auth, world):
    response = client.get(
        SIMILAR,
        query_string={"category": "facility", "org_id": world.grid_a1.id, "text": "漏" * 501},
        headers=auth(world.resident_a),
    )

    assert_problem(response, 422, "text")
