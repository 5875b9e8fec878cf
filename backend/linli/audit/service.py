"""Audit verbs: describe an administered object, record what a change did to it, read the log."""

import json
from datetime import datetime

from sqlalchemy import String, cast, or_, select

from linli.accounts.models import Role, User
from linli.accounts.permissions import is_city_admin, require_role
from linli.assessment.models import AssessmentPublication
from linli.audit.models import AuditAction, AuditRecord
from linli.categories.models import Category
from linli.escalation.models import CalendarDay, SlaPolicy
from linli.extensions import db
from linli.open311.models import Open311Key
from linli.orgs.models import Building, Household, Org
from linli.orgs.service import subtree_ids_query
from linli.routing.models import Provider, Responsibility


def _mask_phone(phone: str | None) -> str | None:
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) >= 7 else phone


def _common_ancestor(orgs: list[Org]) -> int | None:
    """The deepest org above (or equal to) all of `orgs`: where a provider works."""
    paths = [org.ancestors_and_self_ids() for org in orgs]
    common = None
    for ids in zip(*paths, strict=False):
        if len(set(ids)) > 1:
            break
        common = ids[0]
    return common


# What the log keeps of each kind of object (plain values, never passwords or tokens), and
# the org it belongs to (None: city-wide).
DESCRIBE = {
    AssessmentPublication: (
        "assessment_publication",
        lambda p: {"period": p.period, "org_id": p.org_id, "tables": sorted(p.tables)},
        lambda p: p.org_id,
    ),
    Provider: (
        "provider",
        lambda p: {
            "name": p.name,
            "type": p.type.value,
            "capacity": p.capacity,
            "contact": p.contact,
            "active": p.active,
            "categories": sorted(c.code for c in p.categories),
            "coverage": sorted(o.id for o in p.coverage),
        },
        lambda p: _common_ancestor(p.coverage),
    ),
    # Never the key nor its digest.
    Open311Key: (
        "open311_key",
        lambda k: {
            "name": k.name,
            "community_id": k.community_id,
            "rate_limit": k.rate_limit,
            "account_id": k.account_id,
            "revoked": k.revoked_at is not None,
        },
        lambda k: k.community_id,
    ),
    SlaPolicy: (
        "sla_policy",
        lambda p: {
            "category_id": p.category_id,
            "priority": p.priority.value,
            "accept_within_minutes": p.accept_within_minutes,
            "resolve_within_minutes": p.resolve_within_minutes,
        },
        lambda p: None,
    ),
    Category: (
        "category",
        lambda c: {
            "code": c.code,
            "name_zh": c.name_zh,
            "name_en": c.name_en,
            "active": c.active,
            "sort_order": c.sort_order,
            "fields": c.fields,
        },
        lambda c: None,
    ),
    CalendarDay: (
        "calendar_day",
        lambda d: {"kind": d.kind.value, "note": d.note},
        lambda d: None,
    ),
    User: (
        "user",
        lambda u: {
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role.value,
            "org_id": u.org_id,
            "provider_id": u.provider_id,
            "active": u.active,
            "phone": _mask_phone(u.phone),
            # When, not what: a reset or change of password shows, the password never does.
            "password_set_at": u.password_set_at.isoformat() if u.password_set_at else None,
            "must_change_password": u.must_change_password,
        },
        lambda u: u.org_id,
    ),
    Org: (
        "org",
        lambda o: {
            "kind": o.kind.value,
            "code": o.code,
            "name": o.name,
            "name_en": o.name_en,
            "parent_id": o.parent_id,
            "active": o.active,
        },
        lambda o: o.id,
    ),
    Building: (
        "building",
        lambda b: {"grid_id": b.grid_id, "name": b.name},
        lambda b: b.grid_id,
    ),
    Household: (
        "household",
        lambda h: {"building_id": h.building_id, "label": h.label},
        lambda h: h.building.grid_id,
    ),
    Responsibility: (
        "responsibility",
        lambda r: {
            "category": r.category.code if r.category else r.category_id,
            "org_id": r.org_id,
            "lead_provider_id": r.lead_provider_id,
            "co_provider_ids": sorted(p.id for p in r.co_units),
            "note": r.note,
        },
        lambda r: r.org_id,
    ),
}

# Bulk changes logged as one summary record (record_summary): a grid's households.
SUMMARY_TYPES = ("grid_households",)
OBJECT_TYPES = sorted([kind for kind, _, _ in DESCRIBE.values()] + list(SUMMARY_TYPES))


def describe(obj) -> dict:
    return DESCRIBE[type(obj)][1](obj)


def record_change(
    actor: User | None, obj, before: dict | None, *, now: datetime
) -> AuditRecord | None:
    """Log what changed on `obj` since `before` (None: it was created), in the caller's
    transaction. A change that changed nothing leaves no record. `actor=None` is the system."""
    db.session.flush()  # ids and defaults of a new object
    object_type, describe_fn, org_of = DESCRIBE[type(obj)]
    after = describe_fn(obj)
    changes = {
        k: [None if before is None else before.get(k), v]
        for k, v in after.items()
        if before is None or before.get(k) != v
    }
    if not changes:
        return None
    record = AuditRecord(
        at=now,
        actor_id=actor.id if actor else None,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        object_type=object_type,
        object_id=str(obj.id),
        org_id=org_of(obj),
        changes=changes,
    )
    db.session.add(record)
    return record


def record_removal(actor: User, obj, *, now: datetime) -> AuditRecord:
    """Log that `obj` is being deleted, with what it was (fields as [before, null]), in the
    caller's transaction: call it before the delete."""
    object_type, describe_fn, org_of = DESCRIBE[type(obj)]
    record = AuditRecord(
        at=now,
        actor_id=actor.id,
        action=AuditAction.DELETE,
        object_type=object_type,
        object_id=str(obj.id),
        org_id=org_of(obj),
        changes={k: [v, None] for k, v in describe_fn(obj).items()},
    )
    db.session.add(record)
    return record


def record_summary(
    actor: User,
    object_type: str,
    object_id: str,
    changes: dict,
    *,
    org_id: int | None,
    now: datetime,
) -> AuditRecord:
    """Log a bulk change as one record per object it touched, `changes` as {field: [before,
    after]}: a sheet of 50,000 households is one record per grid, not 50,000."""
    assert object_type in SUMMARY_TYPES
    record = AuditRecord(
        at=now,
        actor_id=actor.id,
        action=AuditAction.UPDATE,
        object_type=object_type,
        object_id=object_id,
        org_id=org_id,
        changes=changes,
    )
    db.session.add(record)
    return record


def _mentions(text: str):
    """Records whose actor, object id or changed values mention `text`. The JSON column is
    stored as JSON text with non-ASCII characters escaped, so the search text is escaped the
    same way before matching inside it."""
    escaped = json.dumps(text)[1:-1]
    actors = select(User.id).where(
        or_(
            User.username.icontains(text, autoescape=True),
            User.display_name.icontains(text, autoescape=True),
        )
    )
    return or_(
        AuditRecord.object_id == text,
        AuditRecord.actor_id.in_(actors),
        cast(AuditRecord.changes, String).icontains(escaped, autoescape=True),
    )


def audit_log(
    actor: User,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_id: int | None = None,
    q: str | None = None,
    limit: int,
    cursor: int | None = None,
) -> tuple[list[AuditRecord], str | None]:
    """Newest first, keyset on id; an admin reads the records of their subtree's objects (a
    city admin every record, the city-wide settings' too)."""
    require_role(actor, Role.ADMIN)
    query = select(AuditRecord)
    if not is_city_admin(actor):
        query = query.where(AuditRecord.org_id.in_(subtree_ids_query(actor.org)))
    if object_type:
        query = query.where(AuditRecord.object_type == object_type)
    if object_id:
        query = query.where(AuditRecord.object_id == object_id)
    if actor_id is not None:
        query = query.where(AuditRecord.actor_id == actor_id)
    if q:
        query = query.where(_mentions(q))
    if cursor is not None:
        query = query.where(AuditRecord.id < cursor)
    rows = list(db.session.scalars(query.order_by(AuditRecord.id.desc()).limit(limit + 1)))
    return rows[:limit], str(rows[limit - 1].id) if len(rows) > limit else None
