import click
from flask.cli import with_appcontext
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from linli.accounts.models import Role, User
from linli.db import utcnow
from linli.extensions import db
from linli.sheets import service
from linli.sheets.layouts import SheetKind
from linli.sheets.plan import SheetPlan

sheets_cli = click.Group(
    "sheets", help="Spreadsheets in: the org tree, households, accounts, providers."
)
KIND = click.argument("kind", type=click.Choice([k.value for k in SheetKind]))
FILE = click.argument("sheet_file", type=click.File("rb"))
ADMIN = click.option(
    "--admin", "username", required=True, help="The admin the change is made as (scope, audit)."
)


def _admin(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or user.role is not Role.ADMIN or not user.active:
        raise click.BadParameter(f"no active admin {username!r}", param_hint="--admin")
    return user


def _report(sheet: SheetPlan) -> None:
    click.echo(", ".join(f"{n} {action}" for action, n in sheet.counts.items()))
    for row in sheet.shown_rows:
        reasons = "; ".join(f"{p.column or 'row'}: {p.code} {p.params or ''}" for p in row.problems)
        click.echo(f"  row {row.number} {row.action}: {row.key}  {reasons}".rstrip())


def _run(step, kind: str, sheet_file, username: str) -> None:
    try:
        sheet = step(_admin(username), SheetKind(kind), sheet_file.read())
    except service.SheetRefused as refused:
        _report(refused.sheet)
        raise click.ClickException("rows were refused; nothing was imported") from None
    except HTTPException as error:
        data = getattr(error, "data", {}) or {}
        raise click.ClickException(
            f"{data.get('message', error.description)} {data.get('sheet', '')}"
        ) from None
    _report(sheet)


@sheets_cli.command("plan")
@KIND
@FILE
@ADMIN
@with_appcontext
def plan_command(kind, sheet_file, username):
    """Dry run: what importing the XLSX or CSV file would do, row by row."""
    _run(service.plan_sheet, kind, sheet_file, username)


@sheets_cli.command("import")
@KIND
@FILE
@ADMIN
@with_appcontext
def import_command(kind, sheet_file, username):
    """Import the file all or nothing (the template's Chinese headers)."""
    _run(
        lambda actor, k, data: service.import_sheet(actor, k, data, now=utcnow()),
        kind,
        sheet_file,
        username,
    )
