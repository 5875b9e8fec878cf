"""Audit verbs: describe an administered object, record what a change did to it, read the log."""

from datetime import datetime

from sqlalchemy import select

from linli.accounts.models import Role, User
from linli.accounts.permissions import require_role
from linli.assessment.models import AssessmentPublication
from linli.audit.models import AuditAction, AuditRecord
from linli.categories.models import Category
from linli.escalation.models import SlaPolicy
from linli.extensions import db
from linli.open311.models import Open311Key
from linli.orgs.models import Org
from linli.routing.models import Provider


def _mask_phone(phone: str | None) -> str | None:
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) >= 7 else phone


# What the log keeps of each kind of object: plain values, never passwords or tokens.
DESCRIBE = {
    AssessmentPublication: (
        "assessment_publication",
        lambda p: {"period": p.period, "org_id": p.org_id, "tables": sorted(p.tables)},
    ),
    Org: (
        "org",
        lambda o: {
            "kind": o.kind.value,
            "code": o.code,
            "name": o.name,
            "name_en": o.name_en,
            "parent_id": o.parent_id,
        },
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
    ),
    SlaPolicy: (
        "sla_policy",
        lambda p: {
            "category_id": p.category_id,
            "priority": p.priority.value,
            "accept_within_minutes": p.accept_within_minutes,
            "resolve_within_minutes": p.resolve_within_minutes,
        },
    ),
    Category: (
        "category",
        lambda c: {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en, "active": c.active},
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
        },
    ),
}


def describe(obj) -> dict:
    return DESCRIBE[type(obj)][1](obj)


def record_change(
    actor: User | None, obj, before: dict | None, *, now: datetime
) -> AuditRecord | None:
    """Log what changed on `obj` since `before` (None: it was created), in the caller's
    transaction. A change that changed nothing leaves no record. `actor=None` is the system."""
    db.session.flush()  # ids and defaults of a new object
    after = describe(obj)
    changes = {
        k: [None if before is None else before.get(k), v]
        for k, v in after.items()
        if before is None or before.get(k) != v
    }
    if not changes:
        return None
    object_type = DESCRIBE[type(obj)][0]
    record = AuditRecord(
        at=now,
        actor_id=actor.id if actor else None,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        object_type=object_type,
        object_id=str(obj.id),
        changes=changes,
    )
    db.session.add(record)
    return record


def record_summary(
    actor: User, object_type: str, object_id: str, changes: dict, *, now: datetime
) -> AuditRecord:
    """Log a bulk change as one record per object it touched, `changes` as {field: [before,
    after]}: a sheet of 50,000 households is one record per grid, not 50,000."""
    record = AuditRecord(
        at=now,
        actor_id=actor.id,
        action=AuditAction.UPDATE,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
    )
    db.session.add(record)
    return record


def audit_log(
    actor: User, *, object_type: str | None, object_id: str | None, limit: int, cursor: int | None
) -> tuple[list[AuditRecord], str | None]:
    """Newest first, keyset on id; for admins (scoped admins come with the console)."""
    require_role(actor, Role.ADMIN)
    query = select(AuditRecord)
    if object_type:
        query = query.where(AuditRecord.object_type == object_type)
    if object_id:
        query = query.where(AuditRecord.object_id == object_id)
    if cursor is not None:
        query = query.where(AuditRecord.id < cursor)
    rows = list(db.session.scalars(query.order_by(AuditRecord.id.desc()).limit(limit + 1)))
    return rows[:limit], str(rows[limit - 1].id) if len(rows) > limit else None
