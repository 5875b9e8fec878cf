"""Org tree operations: building the tree and answering subtree questions."""

from sqlalchemy import select

from linli.db import get_by_int_id
from linli.errors import abort
from linli.extensions import db
from linli.orgs.models import Building, Household, Org, OrgKind


def create_org(
    *, kind: OrgKind, code: str, name: str, name_en: str = "", parent: Org | None
) -> Org:
    """Add a node under `parent`; the kind must be the one just below the parent's."""
    expected_parent = kind.parent_kind()
    if (parent.kind if parent else None) != expected_parent:
        raise ValueError(f"a {kind} must sit under a {expected_parent}")
    org = Org(kind=kind, code=code, name=name, name_en=name_en, parent=parent)
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    return org


def get_org_or_404(org_id: int) -> Org:
    org = get_by_int_id(Org, org_id)
    if org is None:
        abort(404, f"org {org_id} does not exist")
    return org


def list_orgs(parent_id: int | None = None, *, include_inactive: bool = False) -> list[Org]:
    query = select(Org).order_by(Org.path)
    if not include_inactive:
        query = query.where(Org.active.is_(True))
    if parent_id is not None:
        query = query.where(Org.parent_id == parent_id)
    return list(db.session.scalars(query))


def in_service(org: Org) -> bool:
    """Whether new cases and residents may go to `org`: it and every node above it active."""
    inactive = select(Org.id).where(Org.id.in_(org.ancestors_and_self_ids()), Org.active.is_(False))
    return db.session.scalar(inactive.limit(1)) is None


def subtree_ids_query(root: Org):
    """A subquery of the ids of `root` and everything below it."""
    return select(Org.id).where(Org.path.startswith(root.path, autoescape=True))


def org_at_level(org: Org, kind: OrgKind) -> Org | None:
    """The ancestor (or `org` itself) of the given kind."""
    ids = org.ancestors_and_self_ids()
    return db.session.scalar(select(Org).where(Org.id.in_(ids), Org.kind == kind))


def levels_of_tree() -> dict[int, dict[OrgKind, Org]]:
    """Every org's ancestors (itself included) by kind, from one read of the tree: for
    figures that fold many cases onto a level (the tree is small, the cases are not)."""
    orgs = {o.id: o for o in db.session.scalars(select(Org))}
    return {
        org_id: {orgs[i].kind: orgs[i] for i in org.ancestors_and_self_ids() if i in orgs}
        for org_id, org in orgs.items()
    }


def add_building(grid: Org, name: str, household_labels: list[str]) -> Building:
    if grid.kind is not OrgKind.GRID:
        raise ValueError("buildings belong to grids")
    building = Building(grid_id=grid.id, name=name)
    building.households = [Household(label=label) for label in household_labels]
    db.session.add(building)
    return building


def buildings_of_grid(grid: Org) -> list[Building]:
    return list(
        db.session.scalars(
            select(Building).where(Building.grid_id == grid.id).order_by(Building.name)
        )
    )


def buildings_in_scope(actor, grid_id: int) -> list:
    """A grid's buildings and households, for the staff who organise door-to-door rounds in
    it and who report there; a resident of its community gets the buildings only, to say
    where a need is (others get 403, or 404 for a grid outside their area)."""
    from linli.accounts.models import Role
    from linli.accounts.permissions import require_role
    from linli.cases.scope import org_in_reach

    require_role(actor, Role.RESIDENT, Role.GRID_WORKER, Role.DISPATCHER, Role.OFFICER, Role.ADMIN)
    grid = get_org_or_404(grid_id)
    if not org_in_reach(actor, grid):
        abort(404, f"org {grid_id} does not exist")
    if grid.kind is not OrgKind.GRID:
        abort(422, "buildings belong to grids", errors={"org_id": ["not a grid"]})
    buildings = buildings_of_grid(grid)
    if actor.role is Role.RESIDENT:
        # Which flats there are is for the staff who visit them.
        return [{"id": b.id, "name": b.name, "households": []} for b in buildings]
    return buildings
