"""Demand figures: needs by category × place × period, unmet needs, supply against demand and
recurring needs (未诉先办 candidates).

Read-only. Every query over cases is scoped by `in_figures_area` (cases/scope.py), and no
answer carries a person or a case's text: ids, counts, category and org names only. The
number of statements is fixed: grouping happens in SQL, and where a figure needs single
rows (a median) the rows are fetched by one bounded query.
"""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from linli.accounts.models import User
from linli.cases.models import OPEN_STATES, Case, CaseSupport
from linli.cases.scope import figures_area, in_figures_area, visible_cases
from linli.categories.models import Category
from linli.errors import abort
from linli.extensions import db
from linli.orgs.models import Building, Household, Org, OrgKind
from linli.orgs.service import levels_of_tree
from linli.periods import first_of_month, shanghai_today, start_of_day
from linli.routing.models import Provider
from linli.routing.rules import open_loads
from linli.routing.service import fits_case

WEEK, MONTH = "week", "month"
# The longest range a query may span, in years: a CASE of ~160 weeks or 120 months stays small.
MAX_YEARS = {WEEK: 3, MONTH: 10}
DEFAULT_MONTHS = 12
RECURRING_WINDOW = timedelta(days=90)
RECURRING_THRESHOLD = 3
RECURRING_LISTED = 20  # the latest cases of a recurring need, listed with it


@dataclass(frozen=True)
class Period:
    label: str  # "2026-W48" or "2026-11"
    starts_at: datetime  # aware UTC, the first Shanghai midnight in it
    ends_at: datetime  # aware UTC, exclusive


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def resolve_range(granularity: str, first: date | None, last: date | None, *, today: date):
    """The inclusive Shanghai days asked for, defaults filled in; 422 naming the field if bad.

    Default: up to today, from the first day of the month eleven months before (twelve
    calendar months, the current one included)."""
    last = last or today
    first = first or first_of_month(last, -(DEFAULT_MONTHS - 1))
    if first > last:
        abort(422, "from is after to", errors={"from": ["must be on or before to"]})
    years = MAX_YEARS[granularity]
    if last >= _years_later(first, years):
        abort(
            422,
            "the range is too long",
            errors={"to": [f"less than {years} years after from for {granularity} periods"]},
        )
    return first, last


def periods(granularity: str, first: date, last: date) -> list[Period]:
    """The periods covering first..last; the first and last are cut at the range's ends.

    Weeks are ISO weeks (Monday first), labelled by ISO year and week."""
    end = last + timedelta(days=1)
    out = []
    day = first
    while day < end:
        if granularity == WEEK:
            following = day + timedelta(days=7 - day.weekday())
            iso = day.isocalendar()
            label = f"{iso.year}-W{iso.week:02d}"
        else:
            following = first_of_month(day, 1)
            label = f"{day.year}-{day.month:02d}"
        following = min(following, end)
        out.append(Period(label, start_of_day(day), start_of_day(following)))
        day = following
    return out


def demand_figures(
    actor: User,
    *,
    by: list[str],
    level: OrgKind,
    granularity: str,
    first: date | None,
    last: date | None,
    now: datetime,
) -> dict:
    """The demand analytics of `actor`'s figures area (403 for residents and providers)."""
    in_figures_area(actor)  # refuses residents and provider staff before anything else
    first, last = resolve_range(granularity, first, last, today=shanghai_today(now))
    buckets = periods(granularity, first, last)
    categories = {c.id: c for c in db.session.scalars(select(Category))}
    open_cases = _open_cases(actor)
    communities = _communities(actor)
    return {
        "from": first,
        "to": last,
        "granularity": granularity,
        "level": level.value,
        "by": [d for d in ("category", "org") if d in by],
        "periods": [
            {"period": p.label, "starts_at": p.starts_at, "ends_at": p.ends_at} for p in buckets
        ],
        "series": demand_series(actor, set(by), level, buckets, categories),
        **_supply(open_cases, communities, categories, now=now),
        "recurring_needs": _recurring(actor, end=buckets[-1].ends_at, categories=categories),
    }


def _category_ref(category: Category) -> dict:
    return {"code": category.code, "name_zh": category.name_zh, "name_en": category.name_en}


def _at_level(case_org, kind: OrgKind):
    """An alias of the case org's ancestor (or itself) of `kind`, and its join condition."""
    ancestor = aliased(Org)
    return ancestor, and_(ancestor.kind == kind, case_org.path.startswith(ancestor.path))


# --- series: cases and +1s per period × category × org ---------------------------------


def demand_series(
    actor: User, by: set[str], level: OrgKind, buckets: list[Period], categories: dict
) -> list[dict]:
    """Cases and +1s per period × category × org at `level`. Counted in SQL per case org
    (one range of the (org, created_at) index per org), folded to `level` here: the org
    tree is small, the cases are not."""
    period = case(*((Case.created_at < p.ends_at, p.label) for p in buckets))
    in_range = and_(
        in_figures_area(actor),
        Case.created_at >= buckets[0].starts_at,
        Case.created_at < buckets[-1].ends_at,
    )
    # The period is computed in a subquery and grouped outside it: PostgreSQL will not
    # match a GROUP BY expression whose bound parameters differ from the SELECT's.
    rows = (
        select(period.label("period"), Case.id, Case.category_id, Case.org_id)
        .where(in_range)
        .subquery()
    )
    keys = (rows.c.period, rows.c.category_id, rows.c.org_id)
    counts: dict = {}
    for *key, cases in db.session.execute(select(*keys, func.count()).group_by(*keys)):
        counts[tuple(key)] = [cases, 0]
    for *key, supporters in db.session.execute(
        select(*keys, func.count(CaseSupport.id))
        .join(CaseSupport, CaseSupport.case_id == rows.c.id)
        .group_by(*keys)
    ):
        counts[tuple(key)][1] = supporters
    levels = levels_of_tree()
    folded: dict = {}
    for (label, category_id, org_id), (cases, supporters) in counts.items():
        org = levels[org_id].get(level)
        if org is None:
            continue  # reported above the level asked for (no ancestor of that kind)
        key = (
            label,
            categories[category_id] if "category" in by else None,
            org if "org" in by else None,
        )
        total = folded.setdefault(key, [0, 0])
        total[0] += cases
        total[1] += supporters

    def order(item):
        (label, category, org), _ = item
        return (
            label,
            (category.sort_order, category.code) if category else (),
            (org.name, org.id) if org else (),
        )

    return [
        {
            "period": label,
            "category": _category_ref(category) if category else None,
            "org": {"id": org.id, "name": org.name} if org else None,
            "cases": cases,
            "supporters": supporters,
        }
        for (label, category, org), (cases, supporters) in sorted(folded.items(), key=order)
    ]


# --- unmet needs and supply against demand ------------------------------------------------


def _open_cases(actor: User) -> list:
    """One row per open case of the area: category, place, community, flag, provider, age."""
    case_org = aliased(Org)
    community, at_community = _at_level(case_org, OrgKind.COMMUNITY)
    return db.session.execute(
        select(
            Case.category_id,
            case_org.path,
            community.id.label("community_id"),
            Case.unmet_need,
            Case.provider_id,
            Case.created_at,
        )
        .join(case_org, case_org.id == Case.org_id)
        .join(community, at_community)
        .where(in_figures_area(actor), Case.state.in_(OPEN_STATES))
    ).all()


def _communities(actor: User) -> dict[int, Org]:
    """The communities the area lies in or holds: those of its cases, and every one below."""
    root = figures_area(actor)
    around = root.ancestors_and_self_ids() if root is not None else []
    return {
        org.id: org
        for org in db.session.scalars(
            select(Org)
            .where(Org.kind == OrgKind.COMMUNITY)
            .where(or_(in_figures_area(actor, Org.id), Org.id.in_(around)))
            .order_by(Org.path)
        )
    }


def _active_providers() -> list[Provider]:
    return list(
        db.session.scalars(
            select(Provider)
            .where(Provider.active.is_(True))
            .options(selectinload(Provider.categories), selectinload(Provider.coverage))
            .order_by(Provider.id)
        )
    )


def _fitting(providers: list[Provider], category_id: int, path: str) -> list[Provider]:
    # Routing's own rule (fits_case), asked about a place rather than a loaded case.
    place = SimpleNamespace(category_id=category_id, org=SimpleNamespace(path=path))
    return [p for p in providers if fits_case(p, place)]


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def _supply(open_cases, communities: dict[int, Org], categories, *, now: datetime) -> dict:
    providers = _active_providers()
    covered: dict[tuple[int, str], bool] = {}
    waiting: dict[tuple[int, int], list[timedelta]] = {}
    demand: dict[tuple[int, int], list[int]] = {}  # [open, without a provider]
    for row in open_cases:
        key = (row.community_id, row.category_id)
        counts = demand.setdefault(key, [0, 0])
        counts[0] += 1
        counts[1] += row.provider_id is None
        place = (row.category_id, row.path)
        if place not in covered:
            covered[place] = bool(_fitting(providers, *place))
        if row.unmet_need or not covered[place]:
            waiting.setdefault(key, []).append(now - row.created_at)

    unmet = [
        {
            "community": _org_ref(communities[community_id]),
            "category": _category_ref(categories[category_id]),
            "cases": len(ages),
            "oldest_waiting_hours": _hours(max(ages)),
            "median_waiting_hours": _hours(statistics.median(ages)),
        }
        for (community_id, category_id), ages in sorted(
            waiting.items(), key=lambda item: (communities[item[0][0]].path, item[0][1])
        )
    ]

    loads = open_loads([p.id for p in providers]) if providers else {}
    rows = []
    for community in communities.values():
        for category in sorted(categories.values(), key=lambda c: (c.sort_order, c.code)):
            fitting = _fitting(providers, category.id, community.path)
            open_count, unassigned = demand.get((community.id, category.id), (0, 0))
            if not open_count and (not fitting or not category.active):
                continue  # nothing asked, and nothing offered (or no longer asked for)
            capacity = sum(p.capacity for p in fitting)
            load = sum(loads.get(p.id, 0) for p in fitting)
            spare = max(capacity - load, 0)
            rows.append(
                {
                    "community": _org_ref(community),
                    "category": _category_ref(category),
                    "providers": len(fitting),
                    "capacity": capacity,
                    "open_load": load,
                    "open_demand": open_count,
                    "unassigned_demand": unassigned,
                    "gap": max(unassigned - spare, 0),
                }
            )
    return {"unmet_needs": unmet, "supply_vs_demand": rows}


def _org_ref(org: Org) -> dict:
    return {"id": org.id, "name": org.name}


# --- recurring needs ---------------------------------------------------------------------


def _recurring(actor: User, *, end: datetime, categories) -> list[dict]:
    """Category × building (or grid, for cases without a household) with at least
    RECURRING_THRESHOLD cases created in the RECURRING_WINDOW before `end`."""
    case_org = aliased(Org)
    place_kind = case((Case.household_id.is_not(None), "building"), else_="grid")
    place_id = func.coalesce(Household.building_id, Case.org_id)
    rows = (
        select(
            Case.id.label("case_id"),
            Case.category_id.label("category_id"),
            Case.created_at.label("created_at"),
            place_kind.label("kind"),
            place_id.label("place_id"),
        )
        .join(case_org, case_org.id == Case.org_id)
        .outerjoin(Household, Household.id == Case.household_id)
        .where(
            in_figures_area(actor),
            Case.created_at >= end - RECURRING_WINDOW,
            Case.created_at < end,
            or_(Case.household_id.is_not(None), case_org.kind == OrgKind.GRID),
        )
        .subquery()
    )
    groups = (
        select(
            rows.c.category_id, rows.c.kind, rows.c.place_id, func.count(rows.c.case_id).label("n")
        )
        .group_by(rows.c.category_id, rows.c.kind, rows.c.place_id)
        .having(func.count(rows.c.case_id) >= RECURRING_THRESHOLD)
        .subquery()
    )
    same_group = and_(
        groups.c.category_id == rows.c.category_id,
        groups.c.kind == rows.c.kind,
        groups.c.place_id == rows.c.place_id,
    )
    # The latest cases of each group are listed (a city's groups can hold hundreds).
    newest_first = (
        func.row_number()
        .over(
            partition_by=(rows.c.category_id, rows.c.kind, rows.c.place_id),
            order_by=(rows.c.created_at.desc(), rows.c.case_id.desc()),
        )
        .label("newest")
    )
    listed = select(rows, groups.c.n, newest_first).join(groups, same_group).subquery()
    listed = select(listed).where(listed.c.newest <= RECURRING_LISTED).subquery()
    grid = aliased(Org)
    query = (
        select(listed, Building.name.label("building_name"), grid.name.label("grid_name"))
        .outerjoin(Building, and_(listed.c.kind == "building", Building.id == listed.c.place_id))
        .outerjoin(grid, and_(listed.c.kind == "grid", grid.id == listed.c.place_id))
        .order_by(
            listed.c.kind,
            listed.c.place_id,
            listed.c.category_id,
            listed.c.created_at,
            listed.c.case_id,
        )
    )
    found: dict[tuple, dict] = {}
    for row in db.session.execute(query):
        key = (row.kind, row.place_id, row.category_id)
        if key not in found:
            name = row.building_name if row.kind == "building" else row.grid_name
            found[key] = {
                "place": {"kind": row.kind, "id": row.place_id, "name": name},
                "category": _category_ref(categories[row.category_id]),
                "cases": row.n,
                "case_ids": [],
            }
        found[key]["case_ids"].append(row.case_id)
    openable = set(
        db.session.scalars(
            visible_cases(actor)
            .with_only_columns(Case.id)
            .where(Case.id.in_(select(listed.c.case_id)))
        )
    )
    for group in found.values():
        group["openable_case_ids"] = [i for i in group["case_ids"] if i in openable]
    return sorted(found.values(), key=lambda g: (-g["cases"], g["place"]["kind"], g["place"]["id"]))
