"""A middling rating (3 stars, resolved) closes the case but flags it for the party branch."""

import pytest

from tests.support import API

REVIEWS = f"{API}/reviews"


@pytest.fixture
def reasons(client, auth, world):
    """reasons(**query) → {case id: reasons} of the party reviewer's queue."""

    def get(**query):
        response = client.get(REVIEWS, query_string=query, headers=auth(world.reviewer_a))
        assert response.status_code == 200, response.get_json()
        return {item["case"]["id"]: item["reasons"] for item in response.get_json()["items"]}

    return get


def test_three_stars_and_resolved_closes_the_case_and_flags_it_for_review(rated, reasons):
    case = rated(stars=3)

    assert case["state"] == "closed"
    assert reasons() == {case["id"]: ["mid_rating"]}


def test_the_reason_filter_finds_middling_ratings_only(rated, reasons):
    middling = rated(stars=3)
    rated(stars=2)  # low rating: reopened, not middling

    assert set(reasons(reason="mid_rating")) == {middling["id"]}


@pytest.mark.parametrize(("is_resolved", "stars"), [(True, 4), (True, 5)])
def test_four_or_five_stars_and_resolved_is_not_flagged(is_resolved, stars, rated, reasons):
    rated(resolved_=is_resolved, stars=stars)

    assert reasons() == {}


@pytest.mark.parametrize(("is_resolved", "stars"), [(False, 3), (True, 2)])
def test_three_stars_not_resolved_or_fewer_stars_is_a_low_rating_not_middling(
    is_resolved, stars, rated, reasons
):
    case = rated(resolved_=is_resolved, stars=stars)

    assert "mid_rating" not in reasons()[case["id"]]
    assert "low_rating" in reasons()[case["id"]]
