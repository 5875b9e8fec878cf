"""Who may see which case, which of its fields and which of its events: the one place.

Every endpoint, list, search and figure that touches cases asks here; none writes its own
scope query. Three questions, three answers:

- which cases: `visible_cases(actor)`, a SELECT every list and lookup starts from, and
  for figures (counts, no case details) `in_figures_area(actor)`;
- which fields: `case_view(actor, case)`, one of three views (below);
- which events, and how much of each: `visible_events(...)`, `event_data_for(...)`,
  `event_actor_for(...)`.

A resident's name and phone are for that resident and the people handling the case; a
neighbour who +1'd a need sees what a notice board would show, never the household.
"""

import enum
import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, true, union

from linli.accounts.models import Role, User
from linli.accounts.permissions import is_city_admin, org_in_scope
from linli.cases.models import OPEN_STATES, Case, CaseEvent, CaseState, CaseSupport, Channel
from linli.errors import abort
from linli.extensions import db
from linli.orgs.models import Org, OrgKind
from linli.orgs.service import org_at_level, subtree_ids_query
from linli.routing.models import CoTask


class CaseView(enum.Enum):
    HANDLING = "handling"  # everything, the reporter's name and phone included
    OVERSIGHT = "oversight"  # everything but the reporter (the party branch reviews, not serves)
    PUBLIC = "public"  # a neighbour who +1'd: category, title, state, the public timeline


# What only the HANDLING and OVERSIGHT views carry: where the household is, what was
# written about it (the extra questions' answers too), its photos, the reporter, and the
# reporter's own rating.
PRIVATE_CASE_FIELDS = frozenset(
    {
        "description",
        "address",
        "lat",
        "lon",
        "location_accuracy",
        "building_id",
        "building_name",
        "household_id",
        "household_label",
        "reporter",
        "attachments",
        "co_tasks",
        "rating",
        "extra",
    }
)

# Event details a resident's timeline may carry; the rest (routing candidates, loads,
# provider ids, task ids) is internal.
PUBLIC_EVENT_DATA = frozenset(
    {"channel", "from_level", "to_level", "reason", "rating", "not_rated"}
)


# --- which cases --------------------------------------------------------------------------


def visible_cases(actor: User):
    """SELECT of the cases `actor` may see at all (in some view)."""
    query = select(Case)
    if is_city_admin(actor):
        return query
    # A set of ids from indexed columns, not an OR over them: PostgreSQL can then read the
    # few cases of one resident or unit by those indexes, where an OR (with a subquery in
    # it) leaves it only the newest-first scan of the whole table, filtered row by row.
    if actor.role is Role.RESIDENT:
        own_or_supported = union(
            select(Case.id).where(Case.reporter_id == actor.id),
            select(Case.id).where(Case.created_by_id == actor.id),
            select(CaseSupport.case_id).where(CaseSupport.user_id == actor.id),
        )
        return query.where(Case.id.in_(own_or_supported))
    if actor.role is Role.PROVIDER_STAFF:
        led_or_joined = union(
            select(Case.id).where(Case.provider_id == actor.provider_id),
            select(CoTask.case_id).where(CoTask.provider_id == actor.provider_id),
        )
        return query.where(Case.id.in_(led_or_joined))
    query = query.where(Case.org_id.in_(subtree_ids_query(actor.org)))
    if actor.role is Role.OFFICER:
        # Officers see what has climbed to their own rung of the ladder or above.
        levels = [k for k in OrgKind if k.rank >= actor.org.kind.rank]
        query = query.where(Case.escalation_level.in_(levels))
    return query


# Who sees figures (assessment, demand): counts over an area, never one case's details, so
# an officer counts every case of their subtree, whatever rung it has climbed to.
FIGURE_ROLES = frozenset(
    {Role.ADMIN, Role.OFFICER, Role.DISPATCHER, Role.PARTY_REVIEWER, Role.GRID_WORKER}
)


def figures_area(actor: User) -> Org | None:
    """The org whose subtree `actor`'s figures cover; None is the whole city (city admin).

    403 for residents and provider staff (a provider sees its own assessment row only,
    which assessment/ decides)."""
    if actor.role not in FIGURE_ROLES:
        abort(403, f"a {actor.role} does not see area figures")
    return None if is_city_admin(actor) else actor.org


def in_figures_area(actor: User, org_id_column=Case.org_id):
    """The WHERE clause keeping rows whose org is in `actor`'s figures area."""
    root = figures_area(actor)
    return true() if root is None else org_id_column.in_(subtree_ids_query(root))


def get_case_for(actor: User, case_id: uuid.UUID, *, least: CaseView = CaseView.PUBLIC) -> Case:
    """The case if `actor` may see it in `least` view or a fuller one; 404 otherwise.

    The answer is the same for a case that does not exist: existence is not leaked.
    """
    case = db.session.scalar(visible_cases(actor).where(Case.id == case_id))
    if case is None or not _at_least(case_view(actor, case), least):
        abort(404, f"case {case_id} not found")
    return case


def _at_least(view: CaseView, least: CaseView) -> bool:
    order = (CaseView.PUBLIC, CaseView.OVERSIGHT, CaseView.HANDLING)
    return order.index(view) >= order.index(least)


# --- an anonymous reader (Open311) ---------------------------------------------------------


def public_cases():
    """SELECT of the cases anyone may read, as the notice board shows them (PUBLIC view):
    every case. Which of their fields and events: `public_field_visible`, `public_events`."""
    return select(Case)


# What a client app posted to a public API (GeoReport requests are public by design) is public
# for its own cases; of the other channels' cases a reader gets the notice board only.
OPEN311_PUBLISHED_FIELDS = frozenset({"description", "address", "lat", "lon", "media_url"})


def public_field_visible(case: Case, field: str) -> bool:
    """Whether an anonymous reader sees `field` of `case`; never the reporter."""
    if field == "reporter":
        return False
    if case.channel is Channel.OPEN311 and field in OPEN311_PUBLISHED_FIELDS:
        return True
    return field not in PRIVATE_CASE_FIELDS | OPEN311_PUBLISHED_FIELDS


def public_events(case_ids):
    """SELECT of the public timeline events of these cases, in order."""
    return (
        select(CaseEvent)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.public.is_(True))
        .order_by(CaseEvent.case_id, CaseEvent.at, CaseEvent.id)
    )


# --- which fields -------------------------------------------------------------------------


def case_view(actor: User, case: Case) -> CaseView:
    """How much of a case (already known to be visible) `actor` sees. No queries."""
    if actor.role is Role.RESIDENT:
        own = actor.id in (case.reporter_id, case.created_by_id)
        return CaseView.HANDLING if own else CaseView.PUBLIC
    if actor.role is Role.PARTY_REVIEWER:
        return CaseView.OVERSIGHT
    return CaseView.HANDLING


def sees_private_fields(actor: User):
    """The WHERE clause, among visible cases, of those whose PRIVATE_CASE_FIELDS `actor`
    sees (case_view not PUBLIC), for searching them."""
    if actor.role is Role.RESIDENT:
        return or_(Case.reporter_id == actor.id, Case.created_by_id == actor.id)
    return true()


def case_field_visible(actor: User, case: Case, field: str) -> bool:
    view = case_view(actor, case)
    if field == "reporter":
        return view is CaseView.HANDLING
    return view is not CaseView.PUBLIC or field not in PRIVATE_CASE_FIELDS


# --- which events -------------------------------------------------------------------------


def visible_events(actor: User, case: Case):
    """SELECT of the case's timeline as `actor` may read it; residents read its public part."""
    query = select(CaseEvent).where(CaseEvent.case_id == case.id)
    if actor.role is Role.RESIDENT:
        query = query.where(CaseEvent.public.is_(True))
    return query.order_by(CaseEvent.at, CaseEvent.id)


def event_data_for(actor: User, event: CaseEvent) -> dict:
    """An event's details for `actor`: residents get the public ones only."""
    if actor.role is not Role.RESIDENT:
        return event.data or {}
    return {k: v for k, v in (event.data or {}).items() if k in PUBLIC_EVENT_DATA}


def event_actor_for(viewer: User, case: Case, event: CaseEvent) -> dict | None:
    """Who did it, as `viewer` may know: by name, or only by role.

    A viewer who may not see the reporter learns no resident's name or id (the reporter
    filed the first event); a neighbour who +1'd learns no one's.
    """
    actor = event.actor
    if actor is None:
        return None
    view = case_view(viewer, case)
    if view is CaseView.HANDLING or (
        view is CaseView.OVERSIGHT and actor.role is not Role.RESIDENT
    ):
        return {"id": actor.id, "display_name": actor.display_name, "role": actor.role.value}
    return {"id": None, "display_name": None, "role": actor.role.value}


# --- places a caller may act on --------------------------------------------------------------


def home_community(resident: User) -> Org | None:
    """The community a resident lives in (their own node, or their grid's community)."""
    return org_at_level(resident.org, OrgKind.COMMUNITY)


BOARD_SOLVED_WINDOW = timedelta(days=30)


def community_board(resident: User, now: datetime):
    """SELECT of what a resident's community notice board shows: the community's open
    needs and those solved in the last 30 days (not rejected, not withdrawn), whoever
    reported them. Shown as a notice board would (BoardCaseOut): no reporter, no address."""
    if resident.role is not Role.RESIDENT:
        abort(403, "the community board is for residents")
    community = home_community(resident)
    if community is None:
        abort(422, "your account is not in a community", errors={"org_id": ["no community"]})
    recently_solved = and_(
        Case.state.in_((CaseState.RESOLVED, CaseState.CLOSED)),
        Case.withdrawn_at.is_(None),
        Case.resolved_at.is_not(None),
        Case.resolved_at >= now - BOARD_SOLVED_WINDOW,
    )
    return select(Case).where(
        Case.org_id.in_(subtree_ids_query(community)),
        or_(Case.state.in_(OPEN_STATES), recently_solved),
    )


def org_in_reach(actor: User, org: Org) -> bool:
    """Whether `actor` may report into, search or +1 in `org`.

    Residents act in their own community; staff and admins in their area.
    """
    if actor.role is Role.RESIDENT:
        community = home_community(actor)
        return community is not None and community.contains(org)
    return org_in_scope(actor, org)


def may_file_for(actor: User, resident: User) -> bool:
    """Whether staff may report on this resident's behalf: residents of their own area."""
    return resident.role is Role.RESIDENT and resident.active and org_in_reach(actor, resident.org)
