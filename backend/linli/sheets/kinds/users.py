"""Staff accounts sheet: 用户名, 姓名, 手机号, 角色, 所属组织编码, 服务单位. An account is its
username. Passwords never travel in a sheet: an imported account cannot sign in until an
admin resets its password (a one-time password, changed at first sign-in)."""

from datetime import datetime

from sqlalchemy import select

from linli.accounts.models import Role, User
from linli.accounts.permissions import org_in_scope
from linli.accounts.service import normalize_mainland_mobile
from linli.audit.service import describe, record_change
from linli.extensions import db
from linli.orgs.models import Org, OrgKind
from linli.routing.models import Provider
from linli.sheets.layouts import LAYOUTS, ROLE_NAMES, SheetKind
from linli.sheets.plan import RowAction, SheetPlan, scope_condition, start_rows
from linli.sheets.readers import SheetRow

LAYOUT = LAYOUTS[SheetKind.USERS]
# Not an Argon2 hash, so no password verifies against it (verify_password answers False).
NO_PASSWORD = "!imported: set by a password reset"
GRID_WORKER_KINDS = (OrgKind.GRID, OrgKind.COMMUNITY)


def _role(text: str) -> Role | None:
    by_name = {name: role for role, name in ROLE_NAMES.items()}
    return by_name.get(text) or next((r for r in ROLE_NAMES if r.value == text), None)


def plan(actor: User, rows: list[SheetRow]) -> SheetPlan:
    planned = start_rows(rows, LAYOUT, lambda c: c["username"])
    for row in planned:
        raw = row.cells.get("phone", "")
        row.values["phone"] = normalize_mainland_mobile(raw) if raw else None
        if raw and row.values["phone"] is None:
            row.refuse("invalid_phone", "phone")
    usernames = {r.cells["username"] for r in planned}
    phones = {r.values["phone"] for r in planned if r.values["phone"]}
    accounts = {
        u.username: u
        for u in db.session.scalars(
            select(User).where(User.username.in_(usernames) | User.phone.in_(phones))
        )
    }
    holder_of_phone = {u.phone: u.username for u in accounts.values() if u.phone}
    orgs = {o.id: o for o in db.session.scalars(select(Org))}  # the tree is small
    org_by_code = {o.code: o for o in orgs.values()}
    providers = {
        p.name: p
        for p in db.session.scalars(
            select(Provider).where(
                Provider.name.in_({r.cells["provider"] for r in planned if r.cells.get("provider")})
            )
        )
    }
    provider_names = {p.id: p.name for p in providers.values()}
    provider_names |= dict(
        db.session.execute(
            select(Provider.id, Provider.name).where(
                Provider.id.in_({u.provider_id for u in accounts.values() if u.provider_id})
            )
        ).all()
    )
    first_row_of_phone: dict[str, int] = {}
    for row in planned:
        cells = row.cells
        existing = accounts.get(cells["username"])
        # An optional column left out of the file leaves that field as it is.
        if "phone" not in cells and existing is not None:
            row.values["phone"] = existing.phone
        phone = row.values["phone"]
        role = _role(cells["role"])
        if role is None and cells["role"]:
            row.refuse("unknown_role", "role")
        org = org_by_code.get(cells["org"])
        if org is None and cells["org"]:
            row.refuse("unknown_org", "org")
        elif org is not None and not org_in_scope(actor, org):
            row.refuse("outside_area", "org")
        if role is Role.GRID_WORKER and org is not None and org.kind not in GRID_WORKER_KINDS:
            row.refuse("wrong_org_kind", "org")
        named = cells.get("provider", "")
        if "provider" in cells:
            provider_id = providers[named].id if named in providers else None
            if named and provider_id is None:
                row.refuse("unknown_provider", "provider")
        else:
            provider_id = existing.provider_id if existing else None
        if role is Role.PROVIDER_STAFF and provider_id is None and not named:
            row.refuse("provider_required", "provider")
        elif role is not Role.PROVIDER_STAFF and provider_id is not None:
            row.refuse("provider_not_allowed", "provider")
        if phone:
            holder = holder_of_phone.get(phone, cells["username"])
            if holder != cells["username"]:
                row.refuse("phone_taken", "phone")
            elif phone in first_row_of_phone:
                row.refuse("duplicate_phone", "phone", row=first_row_of_phone[phone])
            first_row_of_phone.setdefault(phone, row.number)
        row.values |= {
            "display_name": cells["display_name"],
            "role": role,
            "org": org,
            "provider_id": provider_id,
        }
        if existing is None:
            continue
        row.existing = existing
        if existing.role is Role.RESIDENT:
            row.refuse("resident_account", "username")
        elif not org_in_scope(actor, orgs[existing.org_id]):
            row.refuse("outside_area", "username")
        row.compare("display_name", existing.display_name, cells["display_name"])
        row.compare("phone", existing.phone or "", phone or "")
        row.compare("role", ROLE_NAMES.get(existing.role), ROLE_NAMES.get(role))
        row.compare("org", orgs[existing.org_id].code, cells["org"])
        row.compare(
            "provider",
            provider_names.get(existing.provider_id, ""),
            provider_names.get(provider_id, ""),
        )
    return SheetPlan(SheetKind.USERS, planned)


def _set(user: User, values: dict) -> None:
    user.display_name, user.phone, user.role = (
        values["display_name"],
        values["phone"],
        values["role"],
    )
    user.org_id = values["org"].id
    user.provider_id = values["provider_id"]


def apply(actor: User, sheet: SheetPlan, *, now: datetime) -> None:
    created = []
    for row in sheet.rows_to(RowAction.CREATE):
        user = User(username=row.cells["username"], password_hash=NO_PASSWORD)
        _set(user, row.values)
        created.append(user)
    db.session.add_all(created)
    db.session.flush()  # one batch of inserts, before the audit records
    for user in created:
        record_change(actor, user, None, now=now)
    for row in sheet.rows_to(RowAction.CHANGE):
        before = describe(row.existing)
        _set(row.existing, row.values)
        record_change(actor, row.existing, before, now=now)


def export_rows(actor: User) -> list[list]:
    """The staff accounts of the actor's area, phones included (the admin administers them)."""
    orgs = list(db.session.scalars(select(Org)))
    return [
        [username, name, phone or "", ROLE_NAMES[role], code, provider or ""]
        for username, name, phone, role, code, provider in db.session.execute(
            select(User.username, User.display_name, User.phone, User.role, Org.code, Provider.name)
            .join(Org, Org.id == User.org_id)
            .outerjoin(Provider, Provider.id == User.provider_id)
            .where(scope_condition(actor, orgs), User.role != Role.RESIDENT)
            .order_by(Org.path, User.username)
        )
    ]
