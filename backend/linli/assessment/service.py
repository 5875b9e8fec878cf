"""The assessment (三率考核): every unit's response, resolution and satisfaction over a
period, with its score and rank, from the facts of its cases (assessment/facts.py).

Who sees what: officers, dispatchers, party reviewers and grid workers the units of their
area (cases.scope.in_figures_area); admins everything; a provider's staff their own
provider's row and its rank among all providers; residents nothing.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from linli.accounts.models import Role, User
from linli.assessment.facts import (
    ACCEPTANCE,
    BOUNCE,
    CYCLE_STARTS,
    ESCALATION,
    NOT_RATED,
    RATING,
    RESOLUTION,
    EventRow,
    RatingRow,
    case_facts,
)
from linli.assessment.models import AssessmentPublication
from linli.audit.service import record_change
from linli.cases.models import Case, CaseEvent, CaseState, CaseSupport, EventKind
from linli.cases.scope import figures_area
from linli.categories.models import Category
from linli.errors import abort
from linli.escalation.service import sla_durations
from linli.extensions import db
from linli.feedback.models import Rating, RatingChannel
from linli.orgs.models import Org, OrgKind
from linli.orgs.service import subtree_ids_query
from linli.periods import first_of_month, month_label, month_of, shanghai_today, start_of_day
from linli.routing.models import Provider

PROVIDER, ORG, CATEGORY = "provider", "org", "category"
GROUPS = (PROVIDER, ORG, CATEGORY)
LEVELS = (OrgKind.COMMUNITY, OrgKind.STREET, OrgKind.DISTRICT)
# The events facts are made of (the rest, +1s, photos, notes, say nothing about handling).
FACT_EVENTS = (
    *CYCLE_STARTS,
    EventKind.ASSIGN,
    EventKind.COORDINATE,
    EventKind.ACCEPT,
    EventKind.ACCEPT_RETURN,
    EventKind.RESOLVE,
    EventKind.REJECT,
    EventKind.ESCALATE,
    EventKind.CLOSE,
)
FIGURES = (
    "cases",
    "due_for_acceptance",
    "accepted_on_time",
    "response_rate",
    "due_for_resolution",
    "resolved_on_time",
    "resolved",
    "resolution_rate",
    "ratings",
    "ratings_recorded",
    "satisfied",
    "satisfaction_rate",
    "not_rated",
    "median_hours_to_accept",
    "median_hours_to_resolve",
    "overdue",
    "bounces",
    "escalations",
    "supporters",
    "score",
    "rank",
)


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

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def overlaps(self, since: datetime, until: datetime | None) -> bool:
        return since < self.end and (until is None or until > self.start)


@dataclass
class Tally:
    cases: set = field(default_factory=set)
    due_for_acceptance: int = 0
    accepted_on_time: int = 0
    due_for_resolution: int = 0
    resolved_on_time: int = 0
    resolved: int = 0
    ratings: int = 0
    ratings_recorded: int = 0
    satisfied: int = 0
    not_rated: int = 0
    hours_to_accept: list = field(default_factory=list)
    hours_to_resolve: list = field(default_factory=list)
    overdue: set = field(default_factory=set)
    bounces: int = 0
    escalations: int = 0
    supporters: int = 0

    def add(self, fact, case_id) -> None:
        if fact.kind == ACCEPTANCE:
            self.due_for_acceptance += 1
            self.accepted_on_time += fact.on_time
            if fact.hours is not None:
                self.hours_to_accept.append(fact.hours)
        elif fact.kind == RESOLUTION:
            self.due_for_resolution += 1
            self.resolved_on_time += fact.on_time
            self.resolved += fact.resolved
            if fact.hours is not None:
                self.hours_to_resolve.append(fact.hours)
        elif fact.kind == RATING:
            self.ratings += 1
            self.satisfied += fact.satisfied
            self.ratings_recorded += fact.recorded
        elif fact.kind == NOT_RATED:
            self.not_rated += 1
        elif fact.kind == BOUNCE:
            self.bounces += 1
        elif fact.kind == ESCALATION:
            self.escalations += 1
        if fact.kind in (ACCEPTANCE, RESOLUTION) and not fact.on_time:
            self.overdue.add(case_id)

    def figures(self) -> dict:
        response = _rate(self.accepted_on_time, self.due_for_acceptance)
        resolution = _rate(self.resolved, self.due_for_resolution)
        satisfaction = _rate(self.satisfied, self.ratings)
        return {
            "cases": len(self.cases),
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
            "median_hours_to_accept": _median(self.hours_to_accept),
            "median_hours_to_resolve": _median(self.hours_to_resolve),
            "overdue": len(self.overdue),
            "bounces": self.bounces,
            "escalations": self.escalations,
            "supporters": self.supporters,
            "score": score((response, resolution, satisfaction)),
        }


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole  # no data is not 0 %, nor 100 %


def _median(hours: list[float]) -> float | None:
    return round(statistics.median(hours), 2) if hours else None


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


def _cases_in(scope: Scope, span: Span):
    """The cases that may hold a fact in the span: reported before its end, and either
    changed since its start or still unfinished (an open case's deadline may fall in it)."""
    query = select(Case.id, Case.org_id, Case.category_id, Case.priority, Case.created_at).where(
        Case.created_at < span.end,
        or_(
            Case.updated_at >= span.start,
            Case.state.not_in((CaseState.CLOSED, CaseState.REJECTED)),
        ),
    )
    if scope.root is not None:
        query = query.where(Case.org_id.in_(subtree_ids_query(scope.root)))
    return query


def case_facts_in(scope: Scope, span: Span, now: datetime):
    """(case row, its facts, its +1s in the span) for every case that may count; a fixed
    number of queries, whatever the number of cases."""
    cases = _cases_in(scope, span).subquery()
    case_rows = db.session.execute(select(cases)).all()
    events: dict = {}
    for row in db.session.execute(
        select(
            CaseEvent.case_id,
            CaseEvent.at,
            CaseEvent.action,
            CaseEvent.data,
            User.provider_id,
        )
        .join(cases, cases.c.id == CaseEvent.case_id)
        .outerjoin(User, User.id == CaseEvent.actor_id)
        .where(CaseEvent.action.in_(FACT_EVENTS))
        .order_by(CaseEvent.case_id, CaseEvent.at, CaseEvent.id)
    ):
        events.setdefault(row.case_id, []).append(
            EventRow(row.at, row.action, row.data or {}, row.provider_id)
        )
    ratings: dict = {}
    for row in db.session.execute(
        select(
            Rating.case_id,
            Rating.cycle,
            Rating.created_at,
            Rating.stars,
            Rating.resolved,
            Rating.channel,
        ).join(cases, cases.c.id == Rating.case_id)
    ):
        ratings.setdefault(row.case_id, []).append(
            RatingRow(
                row.cycle,
                row.created_at,
                row.stars,
                row.resolved,
                recorded=row.channel is not RatingChannel.APP,
            )
        )
    supports: dict = {}
    for case_id, _at in db.session.execute(
        select(CaseSupport.case_id, CaseSupport.created_at)
        .join(cases, cases.c.id == CaseSupport.case_id)
        .where(CaseSupport.created_at >= span.start, CaseSupport.created_at < span.end)
    ):
        supports[case_id] = supports.get(case_id, 0) + 1
    slas: dict = {}
    for case in case_rows:
        own = events.get(case.id, [])
        key = (case.category_id, case.priority)
        if key not in slas and any(e.action in CYCLE_STARTS and "clock" not in e.data for e in own):
            slas[key] = sla_durations(*key)
        facts = case_facts(
            own,
            ratings.get(case.id, []),
            now=now,
            sla=slas.get(key, (timedelta(0), timedelta(0))),
        )
        yield case, facts, supports.get(case.id, 0)


# --- the table -----------------------------------------------------------------------------------


def _org_key(orgs: dict[int, Org], level: OrgKind):
    cache: dict[int, int | None] = {}

    def key(org_id: int) -> int | None:
        if org_id not in cache:
            org = orgs.get(org_id)
            ids = org.ancestors_and_self_ids() if org else []
            cache[org_id] = next((i for i in ids if orgs[i].kind is level), None)
        return cache[org_id]

    return key


def assessment_rows(
    scope: Scope, *, group_by: str, level: OrgKind, span: Span, now: datetime
) -> list[dict]:
    """One row per unit with its figures, score and rank (the rank among these rows)."""
    orgs = {o.id: o for o in db.session.scalars(select(Org))}
    org_key = _org_key(orgs, level)
    tallies: dict[int, Tally] = {}

    def tally(key) -> Tally:
        return tallies.setdefault(key, Tally())

    for case, found, supporters in case_facts_in(scope, span, now):
        counted: set = set()
        if group_by == PROVIDER:
            counted |= {p for p, since, until in found.holdings if span.overlaps(since, until)}
            for fact in found.facts:
                if fact.provider_id is not None and span.holds(fact.at):
                    tally(fact.provider_id).add(fact, case.id)
                    counted.add(fact.provider_id)
        else:
            key = org_key(case.org_id) if group_by == ORG else case.category_id
            if key is None:
                continue
            in_span = [f for f in found.facts if span.holds(f.at)]
            for fact in in_span:
                tally(key).add(fact, case.id)
            if in_span or any(span.overlaps(s, u) for s, u in found.open_spans):
                counted.add(key)
        for key in counted:
            tally(key).cases.add(case.id)
            tally(key).supporters += supporters

    units = _units(group_by, level, scope, set(tallies), orgs)
    rows = [{"unit": unit, **(tallies.get(unit["id"]) or Tally()).figures()} for unit in units]
    rank_rows(rows)
    if scope.own_provider_id is not None:
        rows = [r for r in rows if r["unit"]["id"] == scope.own_provider_id]
    return rows


def _units(group_by: str, level: OrgKind, scope: Scope, keys: set, orgs: dict) -> list[dict]:
    """The units a table lists: every org of the level in the area and every active
    category (a unit without cases shows as such); providers with figures, and a provider's
    own row for its staff."""
    if group_by == ORG:
        found = [
            o
            for o in orgs.values()
            if o.kind is level and (scope.root is None or scope.root.contains(o))
        ]
        return [
            {"kind": ORG, "id": o.id, "name": o.name, "name_en": o.name_en or o.name}
            for o in sorted(found, key=lambda o: o.path)
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
    if not (
        actor.role is Role.ADMIN
        or (actor.role is Role.OFFICER and actor.org.kind in PUBLISHING_LEVELS)
    ):
        abort(403, "a district or city officer publishes the assessment")
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
