"""Sheet verbs: a template, a dry run (the plan), an all-or-nothing import, an export."""

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from linli.accounts.models import Role, User
from linli.accounts.permissions import require_role
from linli.errors import PROBLEM_BASE, abort
from linli.extensions import db
from linli.sheets.kinds import households, orgs, providers, users
from linli.sheets.layouts import LAYOUTS, SheetKind
from linli.sheets.plan import SheetPlan
from linli.sheets.readers import SheetUnreadable, read_sheet, workbook_bytes

KINDS = {
    SheetKind.ORGS: orgs,
    SheetKind.HOUSEHOLDS: households,
    SheetKind.USERS: users,
    SheetKind.PROVIDERS: providers,
}


class SheetRefused(Exception):
    """Rows of the sheet were refused; nothing was written."""

    def __init__(self, sheet: SheetPlan):
        super().__init__(f"{len(sheet.refused_rows)} rows refused")
        self.sheet = sheet


def kind_or_404(text: str) -> SheetKind:
    try:
        return SheetKind(text)
    except ValueError:
        abort(404, f"no sheet of kind {text!r}", allowed=[k.value for k in SheetKind])


def template(actor: User, kind: SheetKind) -> bytes:
    """The headers, one example row and a sheet explaining each column."""
    require_role(actor, Role.ADMIN)
    layout = LAYOUTS[kind]
    return workbook_bytes(layout, [[c.example for c in layout.columns]], explain=True)


def plan_sheet(actor: User, kind: SheetKind, data: bytes) -> SheetPlan:
    """What importing `data` would do, row by row; nothing is written."""
    require_role(actor, Role.ADMIN)
    try:
        rows = read_sheet(data, LAYOUTS[kind])
    except SheetUnreadable as error:
        abort(
            422,
            error.detail,
            type_=PROBLEM_BASE + "sheet-unreadable",
            errors={"file": [error.detail]},
            sheet={"code": error.code, **error.params},
        )
    return KINDS[kind].plan(actor, rows)


def import_sheet(actor: User, kind: SheetKind, data: bytes, *, now: datetime) -> SheetPlan:
    """Execute the plan of `data` in one transaction; a single refused row refuses the file
    (422 with every refused row and why), and then nothing is written."""
    sheet = plan_sheet(actor, kind, data)
    if sheet.refused_rows:
        raise SheetRefused(sheet)
    try:
        KINDS[kind].apply(actor, sheet, now=now)
        db.session.commit()
    except IntegrityError:
        # Someone else created the same code, username or name since the plan was read.
        db.session.rollback()
        abort(
            409,
            "the data changed while importing; nothing was imported, run the dry run again",
            type_=PROBLEM_BASE + "sheet-conflict",
        )
    return sheet


def export(actor: User, kind: SheetKind) -> bytes:
    """The actor's area as the sheet (same headers as the template, so it imports back)."""
    require_role(actor, Role.ADMIN)
    return workbook_bytes(LAYOUTS[kind], KINDS[kind].export_rows(actor), explain=True)
