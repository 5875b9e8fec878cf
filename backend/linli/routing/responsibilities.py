"""The responsibility list (责任清单): who leads and who joins on a category in an area, so
that 吹哨协办 on such a case starts from the standing group instead of being typed again."""

from datetime import datetime

from sqlalchemy import or_, select

from linli.accounts.models import Role, User
from linli.accounts.permissions import is_city_admin, org_in_scope, require_role
from linli.audit.service import describe, record_change, record_removal
from linli.categories.service import category_by_code
from linli.db import get_by_int_id
from linli.errors import abort
from linli.extensions import db
from linli.orgs.service import get_org_or_404, subtree_ids_query
from linli.routing.models import Provider, Responsibility


def listed_for(actor: User) -> list[Responsibility]:
    """The lines an admin keeps: those of their subtree (a city admin's: all, city-wide too)."""
    require_role(actor, Role.ADMIN)
    query = select(Responsibility).order_by(Responsibility.category_id, Responsibility.id)
    if not is_city_admin(actor):
        query = query.where(Responsibility.org_id.in_(subtree_ids_query(actor.org)))
    return list(db.session.scalars(query))


def set_line(actor: User, data: dict, *, now: datetime) -> Responsibility:
    """Write the line for a category in an org's subtree (none: city-wide, city admins')."""
    require_role(actor, Role.ADMIN)
    category = category_by_code(data["category"])
    org = get_org_or_404(data["org_id"]) if data.get("org_id") else None
    if org is None and not is_city_admin(actor):
        abort(422, "a city-wide line is the city admin's", errors={"org_id": ["required"]})
    if org is not None and not org_in_scope(actor, org):
        abort(422, "that org is outside your area", errors={"org_id": ["outside your area"]})
    ids = [data["lead_provider_id"], *data.get("co_provider_ids", [])]
    providers = {p.id: p for p in db.session.scalars(select(Provider).where(Provider.id.in_(ids)))}
    if data["lead_provider_id"] not in providers:
        abort(422, "no such provider", errors={"lead_provider_id": ["no such provider"]})
    if len(providers) != len(set(ids)):
        abort(422, "no such provider", errors={"co_provider_ids": ["no such provider"]})
    line = db.session.scalar(
        select(Responsibility).where(
            Responsibility.category_id == category.id,
            Responsibility.org_id.is_(None) if org is None else Responsibility.org_id == org.id,
        )
    )
    before = describe(line) if line is not None else None
    if line is None:
        line = Responsibility(category_id=category.id, org_id=org.id if org else None)
        db.session.add(line)
    line.lead_provider_id = data["lead_provider_id"]
    line.co_units = [providers[i] for i in dict.fromkeys(data.get("co_provider_ids", []))]
    line.note = data.get("note", "")
    record_change(actor, line, before, now=now)
    db.session.commit()
    return line


def remove_line(actor: User, line_id: int, *, now: datetime) -> None:
    """Remove a line of the admin's list (a city-wide one: city admins'); 404 for any other."""
    require_role(actor, Role.ADMIN)
    line = get_by_int_id(Responsibility, line_id)
    if line is None or not _keeps(actor, line):
        abort(404, f"responsibility {line_id} does not exist")
    record_removal(actor, line, now=now)
    db.session.delete(line)
    db.session.commit()


def _keeps(actor: User, line: Responsibility) -> bool:
    if line.org_id is None:
        return is_city_admin(actor)
    return org_in_scope(actor, get_org_or_404(line.org_id))


def preset_for(case) -> Responsibility | None:
    """The line that applies to a case: its category's, from the deepest org above it."""
    path = case.org.ancestors_and_self_ids()
    lines = db.session.scalars(
        select(Responsibility).where(
            Responsibility.category_id == case.category_id,
            or_(Responsibility.org_id.is_(None), Responsibility.org_id.in_(path)),
        )
    )
    return max(lines, key=lambda r: -1 if r.org_id is None else path.index(r.org_id), default=None)
