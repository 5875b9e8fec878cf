"""Households sheet: 网格编码, 楼栋, 单元门牌. A household is its grid, building name and label;
a row is created or already there (the sheet adds homes, the console removes them)."""

from collections import Counter
from datetime import datetime

from sqlalchemy import insert, select

from linli.accounts.models import User
from linli.accounts.permissions import org_in_scope
from linli.audit.service import record_summary
from linli.extensions import db
from linli.orgs.models import Building, Household, Org, OrgKind
from linli.sheets.layouts import LAYOUTS, SheetKind
from linli.sheets.plan import RowAction, SheetPlan, scope_condition, start_rows
from linli.sheets.readers import SheetRow

LAYOUT = LAYOUTS[SheetKind.HOUSEHOLDS]


def plan(actor: User, rows: list[SheetRow]) -> SheetPlan:
    planned = start_rows(rows, LAYOUT, lambda c: (c["grid"], c["building"], c["label"]))
    codes = {row.cells["grid"] for row in planned if row.cells["grid"]}
    grids = {o.code: o for o in db.session.scalars(select(Org).where(Org.code.in_(codes)))}
    grid_ids = [o.id for o in grids.values() if o.kind is OrgKind.GRID]
    # Every building and household of the file's grids, in one read.
    buildings: dict[tuple[int, str], int] = {}
    households: set[tuple[int, str, str]] = set()
    for grid_id, name, building_id, label in db.session.execute(
        select(Building.grid_id, Building.name, Building.id, Household.label)
        .outerjoin(Household, Household.building_id == Building.id)
        .where(Building.grid_id.in_(grid_ids))
    ):
        buildings[(grid_id, name)] = building_id
        if label is not None:
            households.add((grid_id, name, label))
    for row in planned:
        grid = grids.get(row.cells["grid"])
        if grid is None:
            if row.cells["grid"]:
                row.refuse("unknown_org", "grid")
            continue
        if grid.kind is not OrgKind.GRID:
            row.refuse("not_a_grid", "grid")
            continue
        if not org_in_scope(actor, grid):
            row.refuse("outside_area", "grid")
            continue
        home = (grid.id, row.cells["building"], row.cells["label"])
        row.values = {"grid_id": grid.id, "building": home[1], "label": home[2]}
        if home in households:
            row.existing = home
    return SheetPlan(
        SheetKind.HOUSEHOLDS,
        planned,
        context={
            "buildings": buildings,
            "households_per_grid": Counter(grid_id for grid_id, _, _ in households),
        },
    )


def apply(actor: User, sheet: SheetPlan, *, now: datetime) -> None:
    """Insert the plan's new buildings, then its new households, each in bulk; one audit
    record per grid touched, with its counts before and after."""
    new = [row.values for row in sheet.rows_to(RowAction.CREATE)]
    if not new:
        return
    buildings = dict(sheet.context["buildings"])
    missing = sorted({(v["grid_id"], v["building"]) for v in new} - buildings.keys())
    if missing:
        db.session.execute(insert(Building), [{"grid_id": g, "name": n} for g, n in missing])
        grid_ids = sorted({g for g, _ in missing})
        buildings.update(
            ((g, n), i)
            for g, n, i in db.session.execute(
                select(Building.grid_id, Building.name, Building.id).where(
                    Building.grid_id.in_(grid_ids)
                )
            )
        )
    db.session.execute(
        insert(Household),
        [
            {"building_id": buildings[(v["grid_id"], v["building"])], "label": v["label"]}
            for v in new
        ],
    )
    before = sheet.context["households_per_grid"]
    buildings_before = Counter(g for g, _ in sheet.context["buildings"])
    buildings_after = Counter(g for g, _ in buildings)
    for grid_id, added in sorted(Counter(v["grid_id"] for v in new).items()):
        changes = {"households": [before[grid_id], before[grid_id] + added]}
        if buildings_after[grid_id] != buildings_before[grid_id]:
            changes["buildings"] = [buildings_before[grid_id], buildings_after[grid_id]]
        record_summary(actor, "grid_households", str(grid_id), changes, org_id=grid_id, now=now)


def export_rows(actor: User) -> list[list]:
    orgs = list(db.session.scalars(select(Org)))
    return [
        list(row)
        for row in db.session.execute(
            select(Org.code, Building.name, Household.label)
            .join(Building, Building.grid_id == Org.id)
            .join(Household, Household.building_id == Building.id)
            .where(scope_condition(actor, orgs))
            .order_by(Org.path, Building.name, Household.label)
        )
    ]
