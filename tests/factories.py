"""A small world for tests: two communities under one street, providers, one user per role.

city > district > street > community A (grids A1, A2) and community B (grid B1).
"""

from dataclasses import dataclass

from sqlalchemy import select

from linli.accounts.models import Role, User
from linli.accounts.passwords import hash_password
from linli.categories.models import Category
from linli.categories.service import seed_national_categories
from linli.extensions import db
from linli.orgs.models import Building, Org, OrgKind
from linli.orgs.service import add_building, create_org
from linli.routing.models import Provider, ProviderType
from linli.routing.service import create_provider

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    city: Org
    district: Org
    street: Org
    community_a: Org
    community_b: Org
    grid_a1: Org
    grid_a2: Org
    grid_b1: Org
    building_a1: Building
    provider: Provider  # covers the street for every category
    other_provider: Provider  # covers community B only
    resident_a: User
    resident_a2: User
    resident_b: User
    grid_worker_a1: User
    grid_worker_b1: User
    provider_staff: User
    other_provider_staff: User
    dispatcher_a: User
    dispatcher_b: User
    officer_street: User
    officer_district: User
    reviewer_a: User
    admin: User

    def user(self, role: Role) -> User:
        """The main user of a role (the one in community A's chain)."""
        return {
            Role.RESIDENT: self.resident_a,
            Role.GRID_WORKER: self.grid_worker_a1,
            Role.PROVIDER_STAFF: self.provider_staff,
            Role.DISPATCHER: self.dispatcher_a,
            Role.OFFICER: self.officer_street,
            Role.PARTY_REVIEWER: self.reviewer_a,
            Role.ADMIN: self.admin,
        }[role]


def make_user(username, role, org, *, phone=None, provider=None, password=PASSWORD) -> User:
    user = User(
        username=username,
        display_name=username.title(),
        role=role,
        org_id=org.id,
        phone=phone,
        provider_id=provider.id if provider else None,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def build_world() -> World:
    seed_national_categories()
    categories = list(db.session.scalars(select(Category)))
    city = create_org(kind=OrgKind.CITY, code="t-city", name="测试市", parent=None)
    district = create_org(kind=OrgKind.DISTRICT, code="t-d", name="测试区", parent=city)
    street = create_org(kind=OrgKind.STREET, code="t-s", name="测试街道", parent=district)
    community_a = create_org(kind=OrgKind.COMMUNITY, code="t-ca", name="甲社区", parent=street)
    community_b = create_org(kind=OrgKind.COMMUNITY, code="t-cb", name="乙社区", parent=street)
    grid_a1 = create_org(kind=OrgKind.GRID, code="t-ca-1", name="甲1网格", parent=community_a)
    grid_a2 = create_org(kind=OrgKind.GRID, code="t-ca-2", name="甲2网格", parent=community_a)
    grid_b1 = create_org(kind=OrgKind.GRID, code="t-cb-1", name="乙1网格", parent=community_b)
    building_a1 = add_building(grid_a1, "1号楼", ["1-101", "1-102"])
    provider = create_provider(
        name="街道服务中心",
        type=ProviderType.GOVERNMENT_DEPARTMENT,
        categories=categories,
        coverage=[street],
    )
    other_provider = create_provider(
        name="乙社区志愿队",
        type=ProviderType.VOLUNTEER_GROUP,
        categories=categories,
        coverage=[community_b],
    )
    db.session.flush()
    return World(
        city=city,
        district=district,
        street=street,
        community_a=community_a,
        community_b=community_b,
        grid_a1=grid_a1,
        grid_a2=grid_a2,
        grid_b1=grid_b1,
        building_a1=building_a1,
        provider=provider,
        other_provider=other_provider,
        resident_a=make_user("resident_a", Role.RESIDENT, grid_a1, phone="13900000001"),
        resident_a2=make_user("resident_a2", Role.RESIDENT, grid_a1, phone="13900000002"),
        resident_b=make_user("resident_b", Role.RESIDENT, grid_b1, phone="13900000003"),
        grid_worker_a1=make_user("grid_a1", Role.GRID_WORKER, grid_a1),
        grid_worker_b1=make_user("grid_b1", Role.GRID_WORKER, grid_b1),
        provider_staff=make_user("staff", Role.PROVIDER_STAFF, street, provider=provider),
        other_provider_staff=make_user(
            "staff_b", Role.PROVIDER_STAFF, community_b, provider=other_provider
        ),
        dispatcher_a=make_user("dispatcher_a", Role.DISPATCHER, community_a),
        dispatcher_b=make_user("dispatcher_b", Role.DISPATCHER, community_b),
        officer_street=make_user("officer_s", Role.OFFICER, street),
        officer_district=make_user("officer_d", Role.OFFICER, district),
        reviewer_a=make_user("reviewer_a", Role.PARTY_REVIEWER, community_a),
        admin=make_user("admin", Role.ADMIN, city),
    )
