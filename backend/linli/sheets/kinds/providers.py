"""Providers sheet: 名称, 类型, 服务类别, 覆盖范围, 容量, 联系方式. A provider is its name. An admin
administers the providers whose whole coverage lies in their area; a district-wide unit is
the district's to change."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from linli.accounts.models import User
from linli.accounts.permissions import org_in_scope
from linli.audit.service import describe, record_change
from linli.categories.models import Category
from linli.extensions import db
from linli.orgs.models import Org
from linli.routing.models import Provider, ProviderType
from linli.routing.service import create_provider
from linli.sheets.layouts import CAPACITY_RANGE, LAYOUTS, PROVIDER_TYPE_NAMES, SheetKind
from linli.sheets.plan import RowAction, SheetPlan, split_list, start_rows
from linli.sheets.readers import SheetRow

LAYOUT = LAYOUTS[SheetKind.PROVIDERS]
LIST_JOIN = "；"


def _type(text: str) -> ProviderType | None:
    by_name = {name: kind for kind, name in PROVIDER_TYPE_NAMES.items()}
    return by_name.get(text) or next((t for t in ProviderType if t.value == text), None)


def administers(actor: User, provider: Provider) -> bool:
    return bool(provider.coverage) and all(org_in_scope(actor, o) for o in provider.coverage)


def _capacity(text: str) -> int | None:
    low, high = CAPACITY_RANGE
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def plan(actor: User, rows: list[SheetRow]) -> SheetPlan:
    planned = start_rows(rows, LAYOUT, lambda c: c["name"])
    stored = {
        p.name: p
        for p in db.session.scalars(
            select(Provider)
            .where(Provider.name.in_({r.cells["name"] for r in planned}))
            .options(selectinload(Provider.categories), selectinload(Provider.coverage))
        )
    }
    categories = list(db.session.scalars(select(Category)))
    category_of = {c.code: c for c in categories} | {c.name_zh: c for c in categories}
    codes = {code for r in planned for code in split_list(r.cells["coverage"])}
    orgs = {o.code: o for o in db.session.scalars(select(Org).where(Org.code.in_(codes)))}
    for row in planned:
        cells = row.cells
        kind = _type(cells["type"])
        if kind is None and cells["type"]:
            row.refuse("unknown_type", "type")
        wanted = split_list(cells["categories"])
        unknown_categories = [c for c in wanted if c not in category_of]
        if unknown_categories:
            row.refuse("unknown_category", "categories", values=unknown_categories)
        coverage_codes = split_list(cells["coverage"])
        unknown_orgs = [c for c in coverage_codes if c not in orgs]
        if unknown_orgs:
            row.refuse("unknown_org", "coverage", values=unknown_orgs)
        outside = [c for c in coverage_codes if c in orgs and not org_in_scope(actor, orgs[c])]
        if outside:
            row.refuse("outside_area", "coverage", values=outside)
        capacity = _capacity(cells["capacity"])
        if capacity is None and cells["capacity"]:
            row.refuse("out_of_range", "capacity", min=CAPACITY_RANGE[0], max=CAPACITY_RANGE[1])
        row.values = {
            "name": cells["name"],
            "type": kind,
            "categories": list(
                {category_of[c].id: category_of[c] for c in wanted if c in category_of}.values()
            ),
            "coverage": [orgs[c] for c in coverage_codes if c in orgs],
            "capacity": capacity,
            "contact": cells.get("contact", ""),
        }
        existing = stored.get(cells["name"])
        if existing is None:
            continue
        row.existing = existing
        if "contact" not in cells:  # a column left out leaves the field as it is
            row.values["contact"] = existing.contact
        if not administers(actor, existing):
            row.refuse("outside_area", "name")
        row.compare("type", PROVIDER_TYPE_NAMES[existing.type], PROVIDER_TYPE_NAMES.get(kind))
        row.compare(
            "categories",
            _category_cell(existing.categories),
            _category_cell(row.values["categories"]),
        )
        row.compare(
            "coverage", _coverage_cell(existing.coverage), _coverage_cell(row.values["coverage"])
        )
        row.compare("capacity", existing.capacity, capacity)
        row.compare("contact", existing.contact, row.values["contact"])
    return SheetPlan(SheetKind.PROVIDERS, planned)


def _category_cell(categories) -> str:
    return LIST_JOIN.join(c.name_zh for c in sorted(categories, key=lambda c: c.sort_order))


def _coverage_cell(orgs) -> str:
    return LIST_JOIN.join(sorted(o.code for o in orgs))


def apply(actor: User, sheet: SheetPlan, *, now: datetime) -> None:
    for row in sheet.rows_to(RowAction.CREATE):
        provider = create_provider(**row.values)
        record_change(actor, provider, None, now=now)
    for row in sheet.rows_to(RowAction.CHANGE):
        provider = row.existing
        before = describe(provider)
        for name, value in row.values.items():
            setattr(provider, name, value)
        record_change(actor, provider, before, now=now)


def export_rows(actor: User) -> list[list]:
    providers = db.session.scalars(
        select(Provider)
        .options(selectinload(Provider.categories), selectinload(Provider.coverage))
        .order_by(Provider.name)
    )
    return [
        [
            p.name,
            PROVIDER_TYPE_NAMES[p.type],
            _category_cell(p.categories),
            _coverage_cell(p.coverage),
            p.capacity,
            p.contact,
        ]
        for p in providers
        if administers(actor, p)
    ]
