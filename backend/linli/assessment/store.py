"""Each case's facts, stored so that a table is a GROUP BY, and kept exact: a case's facts
are worked out at one version of the case (cases.facts_version), and a case whose version
has moved on is worked out again before anything counts it.

Refreshed by the sweep (every minute, in batches) and, for what is still out of date, by
the reader about to count it. Writes to cases cost nothing extra.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, insert, select, update

from linli.accounts.models import User
from linli.assessment.facts import CYCLE_STARTS, EventRow, RatingRow, case_facts
from linli.assessment.models import AssessmentFact
from linli.cases.models import Case, CaseEvent, EventKind
from linli.db import writing_job
from linli.escalation.service import sla_durations
from linli.extensions import db
from linli.feedback.models import Rating, RatingChannel
from linli.orgs.models import Org, OrgKind
from linli.orgs.service import levels_of_tree, subtree_ids_query

HELD, OPEN = "held", "open"  # spans: a provider holding the case; the case being open
STALE = Case.facts_version.is_distinct_from(Case.version)
BATCH = 1000
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
# Every row written in one INSERT has every column: a span's figures are blank.
BLANK = {
    "until": None,
    "provider_id": None,
    "on_time": False,
    "resolved": False,
    "satisfied": False,
    "recorded": False,
    "hours": None,
}
LEVEL_COLUMNS = {
    OrgKind.COMMUNITY: AssessmentFact.community_id,
    OrgKind.STREET: AssessmentFact.street_id,
    OrgKind.DISTRICT: AssessmentFact.district_id,
}


def stale_case_ids(root: Org | None = None, *, before: datetime | None = None, limit=None):
    """Ids of cases (in `root`'s subtree, reported before `before`) whose facts are out of date."""
    query = select(Case.id).where(STALE)
    if root is not None:
        query = query.where(Case.org_id.in_(subtree_ids_query(root)))
    if before is not None:
        query = query.where(Case.created_at < before)
    return list(db.session.scalars(query.order_by(Case.created_at).limit(limit)))


def _places() -> dict[int, dict]:
    """org id → its community, street and district ids (None where it has none)."""
    return {
        org_id: {
            column: levels[kind].id if kind in levels else None
            for column, kind in (
                ("community_id", OrgKind.COMMUNITY),
                ("street_id", OrgKind.STREET),
                ("district_id", OrgKind.DISTRICT),
            )
        }
        for org_id, levels in levels_of_tree().items()
    }


def refresh_facts(case_ids: list, places: dict | None = None) -> int:
    """Work out and store the facts of these cases, if still out of date (locked: two
    refreshes of one case take turns, the second finds it done). In the caller's
    transaction; returns how many cases were refreshed."""
    if not case_ids:
        return 0
    cases = db.session.execute(
        select(Case.id, Case.version, Case.org_id, Case.category_id, Case.priority)
        .where(Case.id.in_(case_ids), STALE)
        .with_for_update(of=Case)
    ).all()
    if not cases:
        return 0
    ids = [c.id for c in cases]
    events: dict = {}
    for row in db.session.execute(
        select(CaseEvent.case_id, CaseEvent.at, CaseEvent.action, CaseEvent.data)
        .add_columns(select_actor_provider())
        .where(CaseEvent.case_id.in_(ids), CaseEvent.action.in_(FACT_EVENTS))
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
        ).where(Rating.case_id.in_(ids))
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
    places = places if places is not None else _places()
    slas: dict = {}
    rows = []
    for case in cases:
        own = events.get(case.id, [])
        key = (case.category_id, case.priority)
        if key not in slas and any(e.action in CYCLE_STARTS and "clock" not in e.data for e in own):
            slas[key] = sla_durations(*key)
        found = case_facts(
            own, ratings.get(case.id, []), sla=slas.get(key, (timedelta(0), timedelta(0)))
        )
        common = {
            "case_id": case.id,
            "org_id": case.org_id,
            "category_id": case.category_id,
            **places.get(case.org_id, {}),
        }
        for fact in found.facts:
            rows.append(
                {
                    **common,
                    **BLANK,
                    "kind": fact.kind,
                    "at": fact.at,
                    "provider_id": fact.provider_id,
                    "on_time": fact.on_time,
                    "resolved": fact.resolved,
                    "satisfied": fact.satisfied,
                    "recorded": fact.recorded,
                    "hours": fact.hours,
                }
            )
        for provider_id, since, until in found.holdings:
            rows.append(
                {
                    **common,
                    **BLANK,
                    "kind": HELD,
                    "at": since,
                    "until": until,
                    "provider_id": provider_id,
                }
            )
        for since, until in found.open_spans:
            rows.append({**common, **BLANK, "kind": OPEN, "at": since, "until": until})
    db.session.execute(delete(AssessmentFact).where(AssessmentFact.case_id.in_(ids)))
    if rows:
        db.session.execute(insert(AssessmentFact.__table__), rows)
    table = Case.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == bindparam("case_id"), table.c.version == bindparam("seen"))
        .values(facts_version=bindparam("seen")),
        [{"case_id": c.id, "seen": c.version} for c in cases],
    )
    return len(cases)


def select_actor_provider():
    """The provider of the staff member who acted (a correlated scalar: no join needed)."""
    return (
        select(User.provider_id)
        .where(User.id == CaseEvent.actor_id)
        .correlate(CaseEvent)
        .scalar_subquery()
        .label("provider_id")
    )


def refresh_stale_facts(root: Org | None = None, *, before: datetime | None = None) -> int:
    """Bring every out-of-date case (of `root`'s subtree, reported before `before`) up to
    date, a batch per transaction; returns how many were refreshed."""
    done = 0
    places = None
    with writing_job():
        db.session.commit()  # from here each transaction takes the write lock first (SQLite)
        while ids := stale_case_ids(root, before=before, limit=BATCH):
            places = places or _places()
            refreshed = refresh_facts(ids, places)
            db.session.commit()
            done += refreshed
            if not refreshed:
                break  # what is left is being refreshed by someone else (locked) or moved on
    return done
