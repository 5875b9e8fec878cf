"""Org tree sheet: 层级, 编码, 名称, 英文名称, 上级编码. A node is its code; a row creates it
under its parent (stored, or a row of the same file) or renames it. Moving a node re-parents
its cases too, so that stays with the console's move."""

from datetime import datetime

from sqlalchemy import select

from linli.accounts.models import User
from linli.accounts.permissions import org_in_scope
from linli.audit.service import describe, record_change
from linli.extensions import db
from linli.orgs.models import Org, OrgKind
from linli.orgs.service import create_org
from linli.sheets.layouts import LAYOUTS, ORG_LEVEL_NAMES, ORG_LEVELS, SheetKind
from linli.sheets.plan import PlannedRow, RowAction, SheetPlan, scope_condition, start_rows
from linli.sheets.readers import SheetRow

LAYOUT = LAYOUTS[SheetKind.ORGS]


def _level(text: str) -> OrgKind | None:
    if text in ORG_LEVELS:
        return ORG_LEVELS[text]
    return next((k for k in ORG_LEVELS.values() if k.value == text), None)


def plan(actor: User, rows: list[SheetRow]) -> SheetPlan:
    planned = start_rows(rows, LAYOUT, lambda c: c["code"])
    stored = {o.code: o for o in db.session.scalars(select(Org))}  # the tree is small
    code_by_id = {o.id: o.code for o in stored.values()}
    in_file: dict[str, PlannedRow] = {}
    for row in planned:
        kind = _level(row.cells["level"])
        if kind is None and row.cells["level"]:
            row.refuse("unknown_level", "level")
        row.values = {
            "kind": kind,
            "code": row.cells["code"],
            "name": row.cells["name"],
            "name_en": row.cells.get("name_en", ""),
            "parent": row.cells["parent"],
        }
        in_file.setdefault(row.cells["code"], row)

    def kind_of(code: str) -> OrgKind | None:
        return stored[code].kind if code in stored else in_file[code].values["kind"]

    def reaches_scope(code: str, depth: int = 0) -> bool:
        """A new node is in the actor's area when its parent is (stored, or new in turn)."""
        if code in stored:
            return org_in_scope(actor, stored[code])
        parent = in_file[code].values["parent"]
        known = parent in stored or parent in in_file
        return depth < len(OrgKind) and known and reaches_scope(parent, depth + 1)

    for row in planned:
        kind, code, parent = row.values["kind"], row.values["code"], row.values["parent"]
        if kind is None or not code:
            continue
        if parent and parent not in stored and parent not in in_file:
            row.refuse("unknown_parent", "parent")
        elif parent and kind_of(parent) is not kind.parent_kind():
            row.refuse("wrong_parent_level", "parent", expected=ORG_LEVEL_NAMES[kind.parent_kind()])
        existing = stored.get(code)
        if existing is None:
            if parent and not row.problems and not reaches_scope(code):
                row.refuse("outside_area", "parent")
            continue
        row.existing = existing
        if not org_in_scope(actor, existing):
            row.refuse("outside_area", "code")
        elif existing.kind is not kind:
            row.refuse("level_changed", "level", was=ORG_LEVEL_NAMES[existing.kind])
        elif parent and code_by_id.get(existing.parent_id, parent) != parent:
            row.refuse("move_in_console", "parent", was=code_by_id[existing.parent_id])
        if "name_en" not in row.cells:  # a column left out leaves the field as it is
            row.values["name_en"] = existing.name_en
        row.compare("name", existing.name, row.values["name"])
        row.compare("name_en", existing.name_en, row.values["name_en"])
    return SheetPlan(SheetKind.ORGS, planned, context={"stored": stored})


def apply(actor: User, sheet: SheetPlan, *, now: datetime) -> None:
    """New nodes level by level (a parent before its children), then the renames."""
    nodes = dict(sheet.context["stored"])
    created = sorted(sheet.rows_to(RowAction.CREATE), key=lambda r: -r.values["kind"].rank)
    for row in created:
        v = row.values
        org = create_org(
            kind=v["kind"],
            code=v["code"],
            name=v["name"],
            name_en=v["name_en"],
            parent=nodes[v["parent"]],
        )
        nodes[v["code"]] = org
        record_change(actor, org, None, now=now)
    for row in sheet.rows_to(RowAction.CHANGE):
        org = row.existing
        before = describe(org)
        org.name, org.name_en = row.values["name"], row.values["name_en"]
        record_change(actor, org, before, now=now)


def export_rows(actor: User) -> list[list]:
    orgs = list(db.session.scalars(select(Org)))
    code_of = {o.id: o.code for o in orgs}
    shown = db.session.scalars(
        select(Org).where(scope_condition(actor, orgs), Org.kind != OrgKind.CITY).order_by(Org.path)
    )
    return [
        [ORG_LEVEL_NAMES[o.kind], o.code, o.name, o.name_en, code_of.get(o.parent_id, "")]
        for o in shown
    ]
