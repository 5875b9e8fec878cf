"""Administering the org tree: create, rename, move and deactivate nodes; the buildings and
households under a grid. Each verb takes the admin and the time, stays in the admin's
subtree, and writes an audit row."""

from datetime import datetime

from sqlalchemy import func, literal, select, update

from linli.accounts.models import User
from linli.accounts.permissions import require_admin_of
from linli.audit.service import describe, record_change, record_removal
from linli.cases.models import Case
from linli.db import get_by_int_id
from linli.errors import PROBLEM_BASE, abort
from linli.extensions import db
from linli.orgs.models import ESCALATION_LADDER, Building, Household, Org, OrgKind
from linli.orgs.service import add_building, get_org_or_404, in_service, subtree_ids_query


def _child_kind(parent: Org) -> OrgKind:
    if parent.kind is OrgKind.GRID:
        abort(422, "nothing sits under a grid", errors={"parent_id": ["a grid has no child nodes"]})
    return ESCALATION_LADDER[parent.kind.rank - 1]


def _ensure_code_free(code: str) -> None:
    if db.session.scalar(select(Org.id).where(Org.code == code)) is not None:
        abort(409, f"an org with code {code!r} exists", errors={"code": ["already used"]})


def create_node(
    actor: User, parent: Org, *, code: str, name: str, name_en: str = "", now: datetime
) -> Org:
    """A node under `parent` (in the admin's subtree), of the kind just below it."""
    require_admin_of(actor, parent, field="parent_id")
    kind = _child_kind(parent)
    if not in_service(parent):
        abort(422, "that node is deactivated", errors={"parent_id": ["deactivated"]})
    _ensure_code_free(code)
    org = Org(kind=kind, code=code, name=name, name_en=name_en, parent=parent)
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path}{org.id}/"
    record_change(actor, org, None, now=now)
    db.session.commit()
    return org


def get_administered_org(actor: User, org_id: int) -> Org:
    """A node of the admin's subtree; 404 for any other."""
    org = get_org_or_404(org_id)
    require_admin_of(actor, org)
    return org


def update_node(actor: User, org: Org, changes: dict, *, now: datetime) -> Org:
    """Rename, move (re-parent) or (de)activate a node. Its own node an admin may rename,
    not move or deactivate (that would change their own reach)."""
    if org.id == actor.org_id and {"parent_id", "active"} & changes.keys():
        field = "parent_id" if "parent_id" in changes else "active"
        abort(422, "not your own node", errors={field: ["not your own node"]})
    before = describe(org)
    if "name" in changes:
        org.name = changes["name"]
    if "name_en" in changes:
        org.name_en = changes["name_en"]
    if "active" in changes:
        org.active = changes["active"]
    if "parent_id" in changes and changes["parent_id"] != org.parent_id:
        _move(actor, org, get_org_or_404(changes["parent_id"]))
    record_change(actor, org, before, now=now)
    db.session.commit()
    return org


def _move(actor: User, org: Org, parent: Org) -> None:
    """Re-parent `org`: its path and every descendant's change in one UPDATE. Cases keep
    their org_id, so who sees them follows the new paths; their assessment facts name the
    old street and district, so they are marked out of date for the sweep."""
    require_admin_of(actor, parent, field="parent_id")
    if parent.kind is not org.kind.parent_kind():
        abort(
            422,
            f"a {org.kind} sits under a {org.kind.parent_kind()}",
            errors={"parent_id": [f"the parent must be a {org.kind.parent_kind()}"]},
        )
    if not in_service(parent):
        abort(422, "that node is deactivated", errors={"parent_id": ["deactivated"]})
    old_path, new_path = org.path, f"{parent.path}{org.id}/"
    db.session.execute(
        update(Case).where(Case.org_id.in_(subtree_ids_query(org))).values(facts_version=None),
        execution_options={"synchronize_session": False},
    )
    org.parent = parent
    db.session.flush()
    db.session.execute(
        update(Org)
        .where(Org.path.startswith(old_path, autoescape=True))
        .values(path=literal(new_path) + func.substr(Org.path, len(old_path) + 1)),
        execution_options={"synchronize_session": "fetch"},
    )


def create_building(
    actor: User, grid: Org, name: str, household_labels: list[str], *, now: datetime
) -> Building:
    require_admin_of(actor, grid)
    if grid.kind is not OrgKind.GRID:
        abort(422, "buildings belong to grids", errors={"org_id": ["not a grid"]})
    building = add_building(grid, name, household_labels)
    record_change(actor, building, None, now=now)
    for household in building.households:
        record_change(actor, household, None, now=now)
    db.session.commit()
    return building


def get_administered_building(actor: User, building_id: int) -> Building:
    building = get_by_int_id(Building, building_id)
    if building is None:
        abort(404, f"building {building_id} does not exist")
    require_admin_of(actor, db.session.get(Org, building.grid_id))
    return building


def get_administered_household(actor: User, household_id: int) -> Household:
    household = get_by_int_id(Household, household_id)
    if household is None:
        abort(404, f"household {household_id} does not exist")
    require_admin_of(actor, db.session.get(Org, household.building.grid_id))
    return household


def rename_building(actor: User, building: Building, name: str, *, now: datetime) -> Building:
    before = describe(building)
    building.name = name
    record_change(actor, building, before, now=now)
    db.session.commit()
    return building


def add_household(actor: User, building: Building, label: str, *, now: datetime) -> Household:
    household = Household(building=building, label=label)
    db.session.add(household)
    record_change(actor, household, None, now=now)
    db.session.commit()
    return household


def rename_household(actor: User, household: Household, label: str, *, now: datetime) -> Household:
    before = describe(household)
    household.label = label
    record_change(actor, household, before, now=now)
    db.session.commit()
    return household


IN_USE = PROBLEM_BASE + "in-use"


def _households_in_use(household_ids) -> bool:
    """Whether a case or a door-to-door visit names one of these households: their history
    keeps them, so they stay."""
    from linli.rounds.models import Visit

    for column in (Case.household_id, Visit.household_id):
        used = select(column).where(column.in_(household_ids)).limit(1)
        if db.session.scalar(used) is not None:
            return True
    return False


def delete_building(actor: User, building: Building, *, now: datetime) -> None:
    """Remove a building and its households, unless a case or a visit names one of them."""
    if _households_in_use(select(Household.id).where(Household.building_id == building.id)):
        abort(409, "a case or a visit names a household of this building", type_=IN_USE)
    for household in building.households:
        record_removal(actor, household, now=now)
        db.session.delete(household)
    record_removal(actor, building, now=now)
    db.session.delete(building)
    db.session.commit()


def delete_household(actor: User, household: Household, *, now: datetime) -> None:
    """Remove a household, unless a case or a visit names it."""
    if _households_in_use([household.id]):
        abort(409, "a case or a visit names this household", type_=IN_USE)
    record_removal(actor, household, now=now)
    db.session.delete(household)
    db.session.commit()
