"""Cases at the feedback stage, shared by the rating and review tests."""

import pytest

from tests.support import API


@pytest.fixture
def resolved(assigned_case, drive, world):
    def build(**fields):
        case = drive(assigned_case(**fields), world.provider_staff, "accept")
        return drive(case, world.provider_staff, "resolve", note="已上门服务")

    return build


@pytest.fixture
def rated(resolved, client, auth, world):
    """rated(resolved_=…, stars=…) → resident_a's case after rating its handling."""

    def build(*, resolved_=True, stars=3):
        case = resolved()
        response = client.post(
            f"{API}/cases/{case['id']}/rating",
            json={"resolved": resolved_, "stars": stars},
            headers=auth(world.resident_a),
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return build
