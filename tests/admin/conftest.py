from types import SimpleNamespace

import pytest

from linli.accounts.models import Role
from linli.extensions import db
from linli.orgs.models import OrgKind
from linli.orgs.service import add_building, create_org
from tests.factories import make_user


@pytest.fixture
def streets(world, make_provider):
    """A second street beside the world's (community C2, grid C2-1), an admin for each
    street, and a provider working only in the second street."""
    street2 = create_org(kind=OrgKind.STREET, code="t-s2", name="第二街道", parent=world.district)
    community_c2 = create_org(kind=OrgKind.COMMUNITY, code="t-cc2", name="丙社区", parent=street2)
    grid_c2 = create_org(kind=OrgKind.GRID, code="t-gc2", name="丙1网格", parent=community_c2)
    building_c2 = add_building(grid_c2, "丙1号楼", ["3-301"])
    db.session.flush()
    built = SimpleNamespace(
        street2=street2,
        community_c2=community_c2,
        grid_c2=grid_c2,
        building_c2=building_c2,
        admin1=make_user("street_admin", Role.ADMIN, world.street),
        admin2=make_user("street_admin2", Role.ADMIN, street2),
        dispatcher_c2=make_user("dispatcher_c2", Role.DISPATCHER, community_c2),
        provider2=make_provider("丙街道服务站", coverage=[community_c2]),
    )
    db.session.commit()
    return built
