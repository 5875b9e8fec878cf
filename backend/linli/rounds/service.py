"""Round verbs: log a household visit (often recorded offline and synced later)."""

from datetime import datetime, timedelta

from sqlalchemy import select

from linli.accounts.models import Role, User
from linli.accounts.permissions import org_in_scope, require_role
from linli.errors import abort
from linli.extensions import db
from linli.orgs.models import Building, Household, Org
from linli.orgs.service import get_org_or_404, subtree_ids_query
from linli.rounds.models import Visit

# Offline phones may sync days later, but a visit cannot be in the future.
CLOCK_SKEW = timedelta(minutes=10)


def record_visit(actor: User, data: dict, *, now: datetime) -> tuple[Visit, bool]:
    """Log a visit to a household in the worker's grids. Returns (visit, created)."""
    require_role(actor, Role.GRID_WORKER)
    if data.get("id") is not None:
        existing = db.session.get(Visit, data["id"])
        if existing is not None:
            if existing.worker_id != actor.id:
                abort(409, "that visit id is taken", errors={"id": ["already used"]})
            return existing, False
    household = db.session.get(Household, data["household_id"])
    grid = db.session.get(Org, household.building.grid_id) if household else None
    if grid is None or not org_in_scope(actor, grid):
        abort(
            422, "no such household in your grids", errors={"household_id": ["not in your grids"]}
        )
    if data["visited_at"] > now + CLOCK_SKEW:
        abort(422, "a visit cannot be in the future", errors={"visited_at": ["in the future"]})
    visit = Visit(
        household_id=household.id,
        worker_id=actor.id,
        visited_at=data["visited_at"],
        note=data.get("note", "").strip(),
        recorded_at=now,
    )
    if data.get("id") is not None:
        visit.id = data["id"]
    db.session.add(visit)
    db.session.commit()
    return visit, True


def list_visits(actor: User, *, grid_id: int | None, since: datetime | None) -> list[Visit]:
    """Visits in the worker's (or dispatcher's) area, newest first."""
    require_role(actor, Role.GRID_WORKER, Role.DISPATCHER, Role.ADMIN)
    root = get_org_or_404(grid_id) if grid_id else actor.org
    if not org_in_scope(actor, root):
        abort(404, f"org {grid_id} does not exist")
    query = (
        select(Visit)
        .join(Household, Visit.household_id == Household.id)
        .join(Building, Household.building_id == Building.id)
        .where(Building.grid_id.in_(subtree_ids_query(root)))
        .order_by(Visit.visited_at.desc())
        .limit(500)
    )
    if since is not None:
        query = query.where(Visit.visited_at >= since)
    return list(db.session.scalars(query))
