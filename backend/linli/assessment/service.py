"""The assessment (三率考核): every unit's response, resolution and satisfaction over a
period, with its score and rank, from the facts of its cases (assessment/facts.py).

Who sees what: officers, dispatchers, party reviewers and grid workers the units of their
area (cases.scope.in_figures_area), admins theirs; a provider's staff their own
provider's row and its rank among all providers; residents nothing.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, distinct, func, or_, select, text, true, union

from linli.accounts.models import Role, User
from linli.assessment.facts import (
    ACCEPTANCE,
    BOUNCE,
    ESCALATION,
    NOT_RATED,
    RATING,
    RESOLUTION,
)
from linli.assessment.models import AssessmentFact as F
from linli.assessment.models import AssessmentPublication
from linli.assessment.store import HELD, LEVEL_COLUMNS, OPEN, refresh_stale_facts
from linli.audit.service import record_change
from linli.cases.models import CaseSupport
from linli.cases.scope import figures_area
from linli.categories.models import Category
from linli.errors import abort
from linli.extensions import db
from linli.orgs.models import Org, OrgKind
from linli.orgs.service import subtree_ids_query
from linli.periods import first_of_month, month_label, month_of, shanghai_today, start_of_day
from linli.routing.models import Provider

PROVIDER, ORG, CATEGORY = "provider", "org", "category"
GROUPS = (PROVIDER, ORG, CATEGORY)
LEVELS = (OrgKind.COMMUNITY, OrgKind.STREET, OrgKind.DISTRICT)
SETTLED = (ACCEPTANCE, RESOLUTION, RATING, NOT_RATED, BOUNCE, ESCALATION)


def weights() -> tuple[float, float, float]:
    """(response, resolution, satisfaction) weights of the score; LINLI_ASSESSMENT_WEIGHTS."""
    return current_app.config["ASSESSMENT_WEIGHTS"]


@dataclass(frozen=True)
class Span:
    """Shanghai days first..last, as the UTC half-open span [start, end)."""

    first: date
    last: date
    start: datetime
    end: datetime
    label: str | None = None  # "2026-11" for a calendar month


@dataclass
class Tally:
    """A unit's counts, as the GROUP BY gives them."""

    cases: int = 0
    due_for_acceptance: int = 0
    accepted_on_time: int = 0
    due_for_resolution: int = 0
    resolved_on_time: int = 0
    resolved: int = 0
    ratings: int = 0
    ratings_recorded: int = 0
    satisfied: int = 0
    not_rated: int = 0
    overdue: int = 0
    bounces: int = 0
    escalations: int = 0
    supporters: int = 0
    median_hours_to_accept: float | None = None
    median_hours_to_resolve: float | None = None

    def figures(self) -> dict:
        response = _rate(self.accepted_on_time, self.due_for_acceptance)
        resolution = _rate(self.resolved, self.due_for_resolution)
        satisfaction = _rate(self.satisfied, self.ratings)
        return {
            "cases": self.cases,
            "due_for_acceptance": self.due_for_acceptance,
            "accepted_on_time": self.accepted_on_time,
            "response_rate": response,
            "due_for_resolution": self.due_for_resolution,
            "resolved_on_time": self.resolved_on_time,
            "resolved": self.resolved,
            "resolution_rate": resolution,
            "ratings": self.ratings,
            "ratings_recorded": self.ratings_recorded,
            "satisfied": self.satisfied,
            "satisfaction_rate": satisfaction,
            "not_rated": self.not_rated,
            "median_hours_to_accept": _median(self.median_hours_to_accept),
            "median_hours_to_resolve": _median(self.median_hours_to_resolve),
            "overdue": self.overdue,
            "bounces": self.bounces,
            "escalations": self.escalations,
            "supporters": self.supporters,
            "score": score((response, resolution, satisfaction)),
        }


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole  # no data is not 0 %, nor 100 %


def _median(hours: float | None) -> float | None:
    return None if hours is None else round(hours, 2)


def score(rates: tuple[float | None, float | None, float | None]) -> float | None:
    """The weighted mean of the rates there are, out of 100 (a rate without data leaves its
    weight out rather than counting as 0); None when there is no rate at all."""
    pairs = [(w, r) for w, r in zip(weights(), rates, strict=True) if r is not None]
    if not pairs or not sum(w for w, _ in pairs):
        return None
    return round(100 * sum(w * r for w, r in pairs) / sum(w for w, _ in pairs), 2)


def rank_rows(rows: list[dict]) -> None:
    """Rank by score, best first; equal scores share a rank (1, 2, 2, 4); no score, no rank."""
    scored = sorted((r for r in rows if r["score"] is not None), key=lambda r: -r["score"])
    for position, row in enumerate(scored, start=1):
        same = position > 1 and row["score"] == scored[position - 2]["score"]
        row["rank"] = scored[position - 2]["rank"] if same else position
    for row in rows:
        row.setdefault("rank", None)


# --- reading the rows the facts come from ------------------------------------------------------


@dataclass
class Scope:
    """Whose figures, over which cases: the area's root (None: the city) and, for a
    provider's staff, the one provider whose row they see."""

    root: Org | None
    own_provider_id: int | None = None


def scope_for(actor: User, group_by: str, org_id: int | None) -> Scope:
    if actor.role is Role.PROVIDER_STAFF:
        if group_by != PROVIDER:
            abort(
                403,
                "a provider sees its own row of the provider assessment",
                errors={"group_by": ["must be provider"]},
            )
        return Scope(root=None, own_provider_id=actor.provider_id)
    root = figures_area(actor)  # 403 for residents
    if org_id is not None:
        org = db.session.get(Org, org_id)
        if org is None:
            abort(422, "no such org", errors={"org_id": ["no such org"]})
        if root is not None and not root.contains(org):
            abort(403, "that org is outside your area", errors={"org_id": ["outside your area"]})
        root = org
    return Scope(root=root)


def _unit_column(group_by: str, level: OrgKind):
    if group_by == PROVIDER:
        return F.provider_id
    return LEVEL_COLUMNS[level] if group_by == ORG else F.category_id


def _in_scope(scope: Scope):
    return true() if scope.root is None else F.org_id.in_(subtree_ids_query(scope.root))


def _kind_count(kind, *also):
    return func.sum(case((and_(F.kind == kind, *also), 1), else_=0))


def assessment_rows(
    scope: Scope, *, group_by: str, level: OrgKind, span: Span, now: datetime
) -> list[dict]:
    """One row per unit with its figures, score and rank (the rank among these rows).

    Counted from the stored facts (assessment/store.py), brought up to date first; a fixed
    number of statements, whatever the number of cases. Facts dated after `now` (deadlines
    still ahead) do not count yet."""
    refresh_stale_facts(scope.root, before=span.end)
    unit = _unit_column(group_by, level)
    until = min(span.end, now + timedelta(microseconds=1))
    settled = and_(
        _in_scope(scope),
        unit.is_not(None),
        F.kind.in_(SETTLED),
        F.at >= span.start,
        F.at < until,
    )
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:  # a month of a city's facts is sorted and hashed in memory, not on disk
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))
    medians = (
        [
            _median_of(ACCEPTANCE).label("median_hours_to_accept"),
            _median_of(RESOLUTION).label("median_hours_to_resolve"),
        ]
        if postgres
        else []
    )
    tallies: dict[int, Tally] = {}
    for row in db.session.execute(
        select(
            unit.label("unit"),
            _kind_count(ACCEPTANCE).label("due_for_acceptance"),
            _kind_count(ACCEPTANCE, F.on_time).label("accepted_on_time"),
            _kind_count(RESOLUTION).label("due_for_resolution"),
            _kind_count(RESOLUTION, F.on_time).label("resolved_on_time"),
            _kind_count(RESOLUTION, F.resolved).label("resolved"),
            _kind_count(RATING).label("ratings"),
            _kind_count(RATING, F.recorded).label("ratings_recorded"),
            _kind_count(RATING, F.satisfied).label("satisfied"),
            _kind_count(NOT_RATED).label("not_rated"),
            _kind_count(BOUNCE).label("bounces"),
            _kind_count(ESCALATION).label("escalations"),
            *medians,
        )
        .where(settled)
        .group_by(unit)
    ).mappings():
        tallies[row["unit"]] = Tally(**{k: v for k, v in row.items() if k != "unit"})

    def tally(key) -> Tally:
        return tallies.setdefault(key, Tally())

    # The late ones are few, and have their own index.
    for key, overdue in db.session.execute(
        select(unit, func.count(distinct(F.case_id)))
        .where(settled, F.kind.in_((ACCEPTANCE, RESOLUTION)), ~F.on_time)
        .group_by(unit)
    ):
        tally(key).overdue = overdue
    counted = _counted_cases(scope, unit, group_by, span).subquery()
    for key, cases in db.session.execute(
        select(counted.c.unit, func.count()).group_by(counted.c.unit)
    ):
        tally(key).cases = cases
    # +1s given in the span, on the cases counted: from the +1s (fewer) to their cases.
    supported = (
        select(CaseSupport.case_id, func.count().label("n"))
        .where(CaseSupport.created_at >= span.start, CaseSupport.created_at < span.end)
        .group_by(CaseSupport.case_id)
        .subquery()
    )
    for key, supporters in db.session.execute(
        select(counted.c.unit, func.sum(supported.c.n))
        .join(supported, supported.c.case_id == counted.c.case_id)
        .group_by(counted.c.unit)
    ):
        tally(key).supporters = supporters
    if not postgres:
        for (key, kind), hours in _medians(unit, settled).items():
            setattr(
                tally(key),
                f"median_hours_to_{'accept' if kind == ACCEPTANCE else 'resolve'}",
                hours,
            )

    units = _units(group_by, level, scope, set(tallies))
    rows = [{"unit": unit_, **(tallies.get(unit_["id"]) or Tally()).figures()} for unit_ in units]
    rank_rows(rows)
    if scope.own_provider_id is not None:
        rows = [r for r in rows if r["unit"]["id"] == scope.own_provider_id]
    return rows


def _counted_cases(scope: Scope, unit, group_by: str, span: Span):
    """(unit, case) pairs of the cases a unit handled in the span: those it held at some
    moment of the span, its end included (for org and category rows: the case was open).
    Every fact of a unit falls within one of its spans, so this holds the cases with a
    figure too. Spans ended within or after the span, and spans still running: two
    SELECTs, each a range of the spans' index."""
    held = HELD if group_by == PROVIDER else OPEN

    def spans(*until):
        return select(unit.label("unit"), F.case_id).where(
            _in_scope(scope), unit.is_not(None), F.kind == held, F.at < span.end, *until
        )

    return union(spans(F.until >= span.start), spans(F.until.is_(None)))  # each pair once


def _median_of(kind):
    """PostgreSQL: the median hours of the done cycles of `kind`, in the GROUP BY's pass."""
    return (
        func.percentile_cont(0.5)
        .within_group(F.hours)
        .filter(and_(F.kind == kind, F.hours.is_not(None)))
    )


def _medians(unit, settled) -> dict:
    """SQLite, which has no percentile: (unit, acceptance|resolution) → median hours from
    the cycle's start, of done cycles, worked out here."""
    done = and_(settled, F.kind.in_((ACCEPTANCE, RESOLUTION)), F.hours.is_not(None))
    hours: dict = {}
    for key, kind, value in db.session.execute(select(unit, F.kind, F.hours).where(done)):
        hours.setdefault((key, kind), []).append(value)
    return {key: statistics.median(values) for key, values in hours.items()}


def _units(group_by: str, level: OrgKind, scope: Scope, keys: set) -> list[dict]:
    """The units a table lists: every org of the level in the area and every active
    category (a unit without cases shows as such); providers with figures, and a provider's
    own row for its staff."""
    if group_by == ORG:
        query = select(Org).where(Org.kind == level).order_by(Org.path)
        if scope.root is not None:
            query = query.where(Org.id.in_(subtree_ids_query(scope.root)))
        return [
            {"kind": ORG, "id": o.id, "name": o.name, "name_en": o.name_en or o.name}
            for o in db.session.scalars(query)
        ]
    if group_by == CATEGORY:
        categories = db.session.scalars(
            select(Category)
            .where(or_(Category.active.is_(True), Category.id.in_(keys or [-1])))
            .order_by(Category.sort_order, Category.id)
        )
        return [
            {"kind": CATEGORY, "id": c.id, "name": c.name_zh, "name_en": c.name_en, "code": c.code}
            for c in categories
        ]
    ids = keys | ({scope.own_provider_id} if scope.own_provider_id else set())
    providers = db.session.scalars(
        select(Provider).where(Provider.id.in_(ids or [-1])).order_by(Provider.name)
    )
    return [{"kind": PROVIDER, "id": p.id, "name": p.name, "name_en": p.name} for p in providers]


def table_key(group_by: str, level: OrgKind) -> str:
    return f"org:{level.value}" if group_by == ORG else group_by


def assessment_table(
    actor: User,
    *,
    group_by: str,
    level: OrgKind,
    org_id: int | None,
    span: Span,
    view: str,
    now: datetime,
) -> dict:
    """The table as `actor` may see it: live (from the events now) or as published."""
    scope = scope_for(actor, group_by, org_id)
    publication = publication_for(scope.root, span.label) if span.label else None
    key = table_key(group_by, level)
    published = _published_rows(publication, key, scope)
    if view == "published":
        if publication is None:
            abort(404, f"{span.label} has not been published for this area")
        rows = published
    else:
        rows = assessment_rows(scope, group_by=group_by, level=level, span=span, now=now)
        was = {r["unit"]["id"]: r for r in published}
        for row in rows:
            row["published_score"] = was.get(row["unit"]["id"], {}).get("score")
            row["published_rank"] = was.get(row["unit"]["id"], {}).get("rank")
    return {
        "period": span.label,
        "from_": span.first,
        "to": span.last,
        "group_by": group_by,
        "level": level.value,
        "org_id": scope.root.id if scope.root is not None else None,
        "view": view,
        "weights": dict(zip(("response", "resolution", "satisfaction"), weights(), strict=True)),
        "rows": rows,
        "publication": publication_view(publication),
    }


# --- periods and published months ----------------------------------------------------------------


def month_span(label: str) -> Span:
    first = month_of(label)
    following = first_of_month(first, 1)
    return Span(
        first, following - timedelta(days=1), start_of_day(first), start_of_day(following), label
    )


def span_of(*, period: str | None, first: date | None, last: date | None, now: datetime) -> Span:
    """The span a query names: a month (default: this month, Asia/Shanghai) or from..to."""
    if first is not None and last is not None:
        return Span(first, last, start_of_day(first), start_of_day(last + timedelta(days=1)))
    return month_span(period or month_label(shanghai_today(now)))


PUBLISHING_LEVELS = (OrgKind.DISTRICT, OrgKind.CITY)


def publish_month(actor: User, label: str, *, now: datetime) -> AssessmentPublication:
    """Freeze the month's tables for the publisher's area: once, after the month is over."""
    if not (actor.role in (Role.ADMIN, Role.OFFICER) and actor.org.kind in PUBLISHING_LEVELS):
        abort(403, "a district or city officer or admin publishes the assessment")
    if month_of(label) is None:
        abort(422, "not a month", errors={"period": ["a month like 2026-11"]})
    span = month_span(label)
    if now < span.end:
        abort(422, f"{label} is not over yet", errors={"period": ["not over yet"]})
    if db.session.scalar(
        select(AssessmentPublication.id).where(
            AssessmentPublication.period == label, AssessmentPublication.org_id == actor.org_id
        )
    ):
        abort(409, f"{label} has been published for this area already")
    scope = Scope(root=actor.org)
    tables = {
        table_key(group_by, level): assessment_rows(
            scope, group_by=group_by, level=level, span=span, now=now
        )
        for group_by in GROUPS
        for level in (LEVELS if group_by == ORG else LEVELS[:1])
    }
    publication = AssessmentPublication(
        period=label, org_id=actor.org_id, published_by=actor, published_at=now, tables=tables
    )
    db.session.add(publication)
    db.session.flush()
    record_change(actor, publication, None, now=now)
    db.session.commit()
    return publication


def publication_for(root: Org | None, label: str) -> AssessmentPublication | None:
    """The publication of the month whose area holds `root` most closely (None: the city's)."""
    found = db.session.scalars(
        select(AssessmentPublication).where(AssessmentPublication.period == label)
    ).all()
    covering = [p for p in found if root is None or p.org.contains(root)]
    if root is None:
        covering = [p for p in covering if p.org.parent_id is None]
    return max(covering, key=lambda p: len(p.org.path), default=None)


def _published_rows(publication, key: str, scope: Scope) -> list[dict]:
    if publication is None:
        return []
    rows = publication.tables.get(key, [])
    if scope.own_provider_id is not None:
        return [r for r in rows if r["unit"]["id"] == scope.own_provider_id]
    if key.startswith("org:") and scope.root is not None:
        orgs = {
            o.id: o
            for o in db.session.scalars(
                select(Org).where(Org.id.in_([r["unit"]["id"] for r in rows] or [-1]))
            )
        }
        return [r for r in rows if scope.root.contains(orgs[r["unit"]["id"]])]
    return rows


def publication_view(publication) -> dict | None:
    if publication is None:
        return None
    return {
        "period": publication.period,
        "org_id": publication.org_id,
        "org_name": publication.org.name,
        "published_at": publication.published_at,
        "published_by": publication.published_by.display_name,
    }
