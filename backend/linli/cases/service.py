"""Case verbs: report, find, list, act on, +1. Actor and time always come in as arguments."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from linli.accounts.models import Role, User
from linli.cases.events import record_event
from linli.cases.lifecycle import Action, VersionConflict, apply_transition
from linli.cases.listing import CaseOrder, keyset_page, searched, summaries
from linli.cases.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseState,
    CaseSupport,
    Channel,
    EventKind,
    Priority,
    ReferenceCounter,
)
from linli.cases.scope import (
    community_board as scope_community_board,
)
from linli.cases.scope import (
    get_case_for,
    may_file_for,
    org_in_reach,
    public_events,
    visible_cases,
    visible_events,
)
from linli.cases.similarity import bigrams, likeness
from linli.categories.fields import checked_answers
from linli.categories.service import category_by_code
from linli.errors import abort
from linli.escalation.service import cycle_clock, overdue_condition, start_cycle_clocks
from linli.extensions import db
from linli.feedback.service import remember_no_rating
from linli.notifications.models import NotificationKind
from linli.notifications.service import handlers_of, notify
from linli.orgs.models import Building, Household, Org, OrgKind
from linli.orgs.service import in_service, subtree_ids_query
from linli.routing.models import Provider
from linli.routing.rules import route_case
from linli.routing.service import fits_case, reaches_beyond_fit
from linli.routing.tasks import add_co_tasks

REPORTABLE_KINDS = (OrgKind.COMMUNITY, OrgKind.GRID)
ON_BEHALF_ROLES = (Role.GRID_WORKER, Role.DISPATCHER, Role.ADMIN)
CHANNELS_BY_ROLE = {
    Role.RESIDENT: (Channel.APP, Channel.SELF_ORG),
    Role.GRID_WORKER: (Channel.GRID_VISIT, Channel.APP, Channel.HOTLINE),
}
# Other staff take any channel but Open311's, which only a client app's key files through.
STAFF_CHANNELS = tuple(c for c in Channel if c is not Channel.OPEN311)
DEFAULT_CHANNEL = {Role.RESIDENT: Channel.APP, Role.GRID_WORKER: Channel.GRID_VISIT}
SIMILAR_WINDOW = timedelta(days=30)
SIMILAR_CANDIDATES = 50  # the most recent of the category nearby, ranked by likeness
SIMILAR_SHOWN = 10
SIMILAR_AT_LEAST = 0.1  # less alike than this to what is being typed: not offered


# --- reporting ---------------------------------------------------------------------------


def next_reference(now: datetime) -> str:
    """LL-<year>-<6-digit sequence>, from a per-year counter row (atomic on both databases).

    On PostgreSQL the counter moves in a short transaction of its own: every report updates
    the year's one row, and holding its lock until the report commits would queue each report
    behind the one before (a number taken by a report that then fails stays unused). SQLite
    lets one writer in at a time anyway, and the request's transaction holds that lock."""
    if db.session.get_bind().dialect.name != "postgresql":
        return _reference(now.year, _count_up(db.session, sqlite.insert, now.year))
    with db.engine.begin() as conn:
        return _reference(now.year, _count_up(conn, postgresql.insert, now.year))


def _count_up(executor, insert, year: int) -> int:
    executor.execute(insert(ReferenceCounter).values(year=year, last=0).on_conflict_do_nothing())
    return executor.scalar(
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last=ReferenceCounter.last + 1)
        .returning(ReferenceCounter.last)
    )


def _reference(year: int, number: int) -> str:
    return f"LL-{year}-{number:06d}"


def _check_household(household_id: int, org: Org) -> None:
    household = db.session.get(Household, household_id)
    grid = db.session.get(Org, household.building.grid_id) if household else None
    if grid is None or not org.contains(grid):
        abort(
            422, "that household is not in this place", errors={"household_id": ["not in org_id"]}
        )


def _check_building(data: dict, org: Org) -> None:
    """The building must be in `org`; a household named with it, in that building (a household
    alone names its building)."""
    household = (
        db.session.get(Household, data["household_id"]) if data.get("household_id") else None
    )
    if data.get("building_id") is None:
        if household is not None:
            data["building_id"] = household.building_id
        return
    building = db.session.get(Building, data["building_id"])
    grid = db.session.get(Org, building.grid_id) if building else None
    if grid is None or not org.contains(grid):
        abort(422, "that building is not in this place", errors={"building_id": ["not in org_id"]})
    if household is not None and household.building_id != building.id:
        abort(
            422,
            "that household is not in this building",
            errors={"household_id": ["not in building_id"]},
        )


def _reporter_fields(actor: User, on_behalf_of: dict | None) -> dict:
    if on_behalf_of is None:
        if actor.role is Role.RESIDENT:
            return {
                "reporter_id": actor.id,
                "reporter_name": actor.display_name,
                "reporter_phone": actor.phone or "",
            }
        return {}
    if actor.role not in ON_BEHALF_ROLES:
        abort(
            422,
            "only staff report on a resident's behalf",
            errors={"on_behalf_of": ["not allowed for your role"]},
        )
    fields = {
        "reporter_name": on_behalf_of.get("name", ""),
        "reporter_phone": on_behalf_of.get("phone", ""),
    }
    if on_behalf_of.get("resident_id"):
        resident = db.session.get(User, on_behalf_of["resident_id"])
        # A resident outside the caller's area gets the answer of an id that does not exist.
        if resident is None or not may_file_for(actor, resident):
            abort(
                422,
                "no such resident in your area",
                errors={"on_behalf_of": {"resident_id": ["no such resident in your area"]}},
            )
        fields.update(
            reporter_id=resident.id,
            reporter_name=fields["reporter_name"] or resident.display_name,
            reporter_phone=fields["reporter_phone"] or resident.phone or "",
        )
    return fields


def report_case(actor: User, data: dict, *, now: datetime) -> tuple[Case, bool]:
    """A resident (or staff on their behalf) reports a need. Returns (case, created).

    A client-chosen id makes the report idempotent: the same reporter sending the same
    id again gets the existing case back, never a second one.
    """
    client_id = data.get("id")
    if client_id is not None:
        existing = db.session.get(Case, client_id)
        if existing is not None:
            if existing.created_by_id != actor.id:
                abort(409, "that case id is taken", errors={"id": ["already used"]})
            return existing, False

    category = category_by_code(data["category"])
    org = _place_in_reach(actor, data["org_id"], to_report=True)
    if data.get("household_id") is not None and actor.role is Role.RESIDENT:
        abort(
            422,
            "households are named by grid workers on their rounds",
            errors={"household_id": ["not for residents"]},
        )
    channel = data.get("channel") or DEFAULT_CHANNEL.get(actor.role, Channel.HOTLINE)
    if channel not in CHANNELS_BY_ROLE.get(actor.role, STAFF_CHANNELS):
        abort(
            422,
            f"a {actor.role} cannot report through {channel}",
            errors={"channel": ["not allowed for your role"]},
        )
    if data.get("household_id") is not None:
        _check_household(data["household_id"], org)
    _check_building(data, org)
    extra = checked_answers(category, data.get("extra") or {})

    case = _file_case(
        actor,
        data,
        case_id=client_id,
        category=category,
        org=org,
        channel=channel,
        reporter=_reporter_fields(actor, data.get("on_behalf_of")),
        now=now,
        extra=extra,
    )
    return case, True


def report_through_open311(
    client: User, data: dict, *, org: Org, reporter: dict, submitted: dict, now: datetime
) -> Case:
    """A report an Open311 client app passes on, filed by the app's account in `org` (the
    place its key names) for the person the app names (`reporter`: for the handlers only).
    `submitted` is what else the app sent (media link, attributes), kept on the first event;
    the answers to the category's extra questions are the case's, as the app's reports."""
    category = category_by_code(data["category"], field="service_code")
    return _file_case(
        client,
        data,
        case_id=None,
        category=category,
        org=org,
        channel=Channel.OPEN311,
        reporter=reporter,
        now=now,
        submitted=submitted,
        extra=checked_answers(category, data.get("extra") or {}),
    )


def _file_case(
    actor: User,
    data: dict,
    *,
    case_id: uuid.UUID | None,
    category,
    org: Org,
    channel: Channel,
    reporter: dict,
    now: datetime,
    submitted: dict | None = None,
    extra: dict | None = None,
) -> Case:
    """The new case, its clocks, its first event and its routing, committed: every channel's."""
    case = Case(
        id=case_id or uuid.uuid4(),
        reference=next_reference(now),
        category=category,
        title=data["title"].strip(),
        description=data["description"].strip(),
        org=org,
        address=data.get("address") or "",
        lat=data.get("lat"),
        lon=data.get("lon"),
        location_accuracy=data.get("location_accuracy"),
        building_id=data.get("building_id"),
        priority=data.get("priority") or Priority.NORMAL,
        channel=channel,
        household_id=data.get("household_id"),
        created_by_id=actor.id,
        extra=extra or {},
        state=CaseState.SUBMITTED,
        escalation_level=org.kind,
        created_at=now,
        updated_at=now,
        **reporter,
    )
    start_cycle_clocks(case, now)
    db.session.add(case)
    record_event(
        case,
        EventKind.SUBMIT,
        actor=actor,
        now=now,
        public=True,
        from_state=None,
        data={"channel": channel.value, "clock": cycle_clock(case), **(submitted or {})},
    )
    db.session.flush()
    route_case(case, now=now)
    db.session.commit()
    # Its answer is dumped next, and the commit expired everything: a report that was
    # just filed has no photos, co-tasks or rating yet, which needs no query to know.
    for empty in ("attachments", "co_tasks"):
        set_committed_value(case, empty, [])
    remember_no_rating(case)
    return case


# --- reading ------------------------------------------------------------------------------


def list_cases(actor: User, filters: dict, *, limit: int, cursor: str | None, now: datetime):
    """Cases in `actor`'s scope matching `filters`, searched by `q`, in the order asked
    (newest first by default), keyset-paginated. Returns (summary rows, next_cursor)."""
    query = visible_cases(actor)
    if "state" in filters:
        query = query.where(Case.state.in_(filters["state"]))
    if "category" in filters:
        query = query.where(Case.category_id == category_by_code(filters["category"]).id)
    if "org_id" in filters:
        root = db.session.get(Org, filters["org_id"])
        if root is None:
            abort(422, "unknown org", errors={"org_id": ["no such org"]})
        query = query.where(Case.org_id.in_(subtree_ids_query(root)))
    if filters.get("mine"):
        query = query.where(_mine(actor))
    if "escalation_level" in filters:
        query = query.where(Case.escalation_level.in_(filters["escalation_level"]))
    if "overdue" in filters:
        overdue = overdue_condition(now)
        query = query.where(overdue if filters["overdue"] else ~overdue)
    if "unmet_need" in filters:
        query = query.where(Case.unmet_need.is_(filters["unmet_need"]))
    query = searched(query, actor, filters.get("q"))
    return keyset_page(
        summaries(query),
        filters.get("sort", CaseOrder.NEWEST),
        limit=limit,
        cursor=cursor,
        rows=True,
    )


def community_board(actor: User, *, limit: int, cursor: str | None, now: datetime):
    """The resident's community board, newest first: rows with whether the caller +1'd
    each and whether it is their own. Returns (rows, next_cursor)."""
    page, next_cursor = keyset_page(
        scope_community_board(actor, now), CaseOrder.NEWEST, limit=limit, cursor=cursor
    )
    supported = set(
        db.session.scalars(
            select(CaseSupport.case_id).where(
                CaseSupport.user_id == actor.id,
                CaseSupport.case_id.in_([c.id for c in page] or [None]),
            )
        )
    )
    # What was done, for the solved ones: the unit's latest public resolve note (text and time).
    solved = [c.id for c in page if c.state in (CaseState.RESOLVED, CaseState.CLOSED)]
    resolutions = {
        e.case_id: e
        for e in db.session.scalars(
            public_events(solved).where(CaseEvent.action == EventKind.RESOLVE)
        )
    }
    rows = [
        {
            "case": c,
            "supported_by_me": c.id in supported,
            "mine": actor.id in (c.reporter_id, c.created_by_id),
            "resolution_note": resolutions[c.id].note if c.id in resolutions else None,
            "resolution_at": resolutions[c.id].at if c.id in resolutions else None,
        }
        for c in page
    ]
    return rows, next_cursor


def _mine(actor: User):
    """'My cases': what I reported, or what my provider is handling."""
    if actor.role is Role.PROVIDER_STAFF:
        return Case.provider_id == actor.provider_id
    return or_(Case.reporter_id == actor.id, Case.created_by_id == actor.id)


def case_events(actor: User, case: Case) -> list[CaseEvent]:
    """The timeline as `actor` may read it (see scope)."""
    return list(db.session.scalars(visible_events(actor, case)))


def _place_in_reach(actor: User, org_id: int, *, to_report: bool = False) -> Org:
    """The org named in `org_id` if the actor may act there (report there: a community or
    grid); else 422 on org_id."""
    org = db.session.get(Org, org_id)
    if org is None:
        abort(422, "unknown org", errors={"org_id": ["no such org"]})
    if to_report and org.kind not in REPORTABLE_KINDS:
        abort(
            422, "report to a community or grid", errors={"org_id": ["must be a community or grid"]}
        )
    if not org_in_reach(actor, org):
        abort(422, "that place is outside your area", errors={"org_id": ["outside your area"]})
    if to_report and not in_service(org):
        abort(422, "that place is deactivated", errors={"org_id": ["deactivated"]})
    return org


def similar_open_cases(
    actor: User, category_code: str, org_id: int, *, text: str = "", now: datetime
) -> list[dict]:
    """Open cases of the same category in the same community, recent: candidates for a +1,
    the most alike first when the caller says what they are typing (then the unlike ones
    are left out), and with whether the caller has +1'd each already.

    Only where the caller may report (a resident's own community, staff's area), only
    cases the caller may see or +1, and never the caller's own (a +1 there does nothing).
    """
    category = category_by_code(category_code)
    org = _place_in_reach(actor, org_id)
    community = org if org.kind is not OrgKind.GRID else org.parent
    query = select(Case).where(
        Case.category_id == category.id,
        Case.state.in_(OPEN_STATES),
        Case.created_at >= now - SIMILAR_WINDOW,
        Case.org_id.in_(subtree_ids_query(community)),
        Case.created_by_id != actor.id,
        or_(Case.reporter_id.is_(None), Case.reporter_id != actor.id),
    )
    if actor.role is not Role.RESIDENT:
        query = query.where(Case.id.in_(visible_cases(actor).with_only_columns(Case.id)))
    candidates = list(
        db.session.scalars(query.order_by(Case.created_at.desc()).limit(SIMILAR_CANDIDATES))
    )
    typed = text.strip()
    scored = [
        (likeness(typed, f"{c.title} {c.description}") if typed else None, c) for c in candidates
    ]
    if typed and len(bigrams(typed)) >= 2:
        scored = [(s, c) for s, c in scored if s >= SIMILAR_AT_LEAST]
        scored.sort(key=lambda pair: pair[0], reverse=True)  # stable: recent first on ties
    supported = set(
        db.session.scalars(
            select(CaseSupport.case_id).where(
                CaseSupport.user_id == actor.id,
                CaseSupport.case_id.in_([c.id for _, c in scored] or [None]),
            )
        )
    )
    return [
        {
            "id": c.id,
            "reference": c.reference,
            "title": c.title,
            "state": c.state,
            "created_at": c.created_at,
            "supporters": c.supporters,
            "similarity": None if s is None else round(s, 3),
            "supported_by_me": c.id in supported,
        }
        for s, c in scored[:SIMILAR_SHOWN]
    ]


def add_information(actor: User, case_id: uuid.UUID, note: str, *, now: datetime) -> CaseEvent:
    """The reporter (or whoever filed it for them) adds to an open case: one public event."""
    case = get_case_for(actor, case_id)
    if actor.id not in (case.reporter_id, case.created_by_id):
        abort(403, "only the reporter adds information to a case")
    if case.state not in OPEN_STATES:
        abort(
            422,
            f"the case is {case.state}; information is added to open cases only",
            type_="https://linli.example.org/problems/transition-not-allowed",
            state=case.state.value,
        )
    if not note.strip():
        abort(422, "say what to add", errors={"note": ["required"]})
    event = record_event(
        case, EventKind.ADD_INFO, actor=actor, now=now, public=True, note=note.strip()
    )
    notify(handlers_of(case), NotificationKind.INFO_ADDED, case=case, now=now)
    db.session.commit()
    return event


def support_case(actor: User, case_id: uuid.UUID, *, now: datetime) -> Case:
    """A resident says "me too" (+1) to an open case in their community; twice counts once."""
    if actor.role is not Role.RESIDENT:
        abort(403, "only residents +1 a need")
    case = db.session.get(Case, case_id)
    if case is None or not org_in_reach(actor, case.org):
        abort(404, f"case {case_id} not found")
    if case.state not in OPEN_STATES:
        abort(422, f"the case is {case.state}; only open cases take a +1", state=case.state.value)
    exists = db.session.scalar(
        select(CaseSupport).where(CaseSupport.case_id == case.id, CaseSupport.user_id == actor.id)
    )
    if exists is None and actor.id not in (case.reporter_id, case.created_by_id):
        db.session.add(CaseSupport(case_id=case.id, user_id=actor.id, created_at=now))
        record_event(case, EventKind.SUPPORT, actor=actor, now=now, public=True)
        db.session.commit()
        db.session.refresh(case)
    return case


# --- acting -------------------------------------------------------------------------------


def _provider_for(
    actor: User, case: Case, provider_id: int, field: str, reason: str, beyond_fit: list[int]
) -> Provider:
    """The provider named in the body, if the actor may give this case to it.

    A dangling id is bad input (422), not a missing resource (404). A provider must fit
    the case (category and coverage); an officer may reach wider with a reason, and the
    event records which providers were called on beyond their fit.
    """
    provider = db.session.get(Provider, provider_id)
    if provider is None:
        abort(422, "no such provider", errors={field: ["no such provider"]})
    if fits_case(provider, case):
        return provider
    if not reaches_beyond_fit(actor, provider):
        abort(
            422,
            "that provider does not serve this category in this place",
            errors={field: ["does not serve this case's category and place"]},
        )
    if not reason.strip():
        abort(
            422,
            "say why a provider outside the case's category or place should take it",
            errors={"note": ["required when a provider does not fit the case"]},
        )
    beyond_fit.append(provider.id)
    return provider


def act_on_case(
    actor: User, case_id: uuid.UUID, action: Action, data: dict, *, now: datetime
) -> Case:
    """Apply one lifecycle action in one transaction; a lost race is a VersionConflict."""
    case = get_case_for(actor, case_id)
    provider_id, field = (
        (data.get("lead_provider_id"), "lead_provider_id")
        if action is Action.COORDINATE
        else (data.get("provider_id"), "provider_id")
    )
    note = data.get("reason") or data.get("note") or ""
    beyond_fit: list[int] = []
    provider = (
        _provider_for(actor, case, provider_id, field, note, beyond_fit) if provider_id else None
    )
    co_units = (
        [
            (
                _provider_for(actor, case, c["provider_id"], "co_providers", note, beyond_fit),
                c["due_at"],
                c.get("note", ""),
            )
            for c in data.get("co_providers", [])
        ]
        if action is Action.COORDINATE
        else []
    )
    event_data = {"provider_id": provider.id} if provider else {}
    if beyond_fit:
        event_data["beyond_fit_provider_ids"] = beyond_fit
    try:
        apply_transition(
            case,
            action,
            actor=actor,
            now=now,
            expected_version=data["version"],
            note=note,
            provider=provider,
            data=event_data or None,
        )
        if action is Action.COORDINATE:
            add_co_tasks(case, co_units, actor=actor, now=now)
        elif case.state is CaseState.SUBMITTED:
            # Back in the queue (an accepted return, a rejection sent back): route it again.
            route_case(case, now=now)
        db.session.commit()
    except (StaleDataError, OperationalError) as error:
        db.session.rollback()
        if isinstance(error, OperationalError) and "locked" not in str(error):
            raise
        # Another request changed the case first (SQLite reports this as a locked database).
        raise VersionConflict(case_id) from error
    return case
