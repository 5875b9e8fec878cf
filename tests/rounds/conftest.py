"""Fixtures for the rounds tests."""

import pytest

from linli.extensions import db
from linli.orgs.service import add_building


@pytest.fixture
def households(world):
    """One household in each grid: {"a1": …, "a2": …, "b1": …}."""
    a2 = add_building(world.grid_a2, "2号楼", ["2-201"])
    b1 = add_building(world.grid_b1, "9号楼", ["9-901"])
    db.session.flush()
    return {"a1": world.building_a1.households[0], "a2": a2.households[0], "b1": b1.households[0]}
