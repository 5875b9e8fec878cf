import click
from flask.cli import with_appcontext
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from linli.accounts import service
from linli.accounts.models import Role
from linli.accounts.schemas import Password
from linli.db import utcnow
from linli.extensions import db
from linli.orgs.models import Org
from linli.routing.models import Provider

accounts_cli = click.Group("accounts", help="Manage user accounts.")


@accounts_cli.command("create")
@click.option("--username", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_code", required=True, help="Code of the org node the user works in.")
@click.option("--display-name", default=None)
@click.option("--phone", default=None)
@click.option("--provider-id", type=int, default=None, help="For provider_staff.")
@click.password_option()
@with_appcontext
def create_account(username, role, org_code, display_name, phone, provider_id, password):
    """Create a staff (or resident) account."""
    try:
        Password().deserialize(password)
    except ValidationError as error:
        raise click.BadParameter(" ".join(error.messages), param_hint="password") from error
    org = db.session.scalar(select(Org).where(Org.code == org_code))
    if org is None:
        raise click.BadParameter(f"no org with code {org_code!r}", param_hint="--org")
    provider = db.session.get(Provider, provider_id) if provider_id else None
    if provider_id and provider is None:
        raise click.BadParameter(f"no provider {provider_id}", param_hint="--provider-id")
    try:
        user = service.create_user(
            username=username,
            password=password,
            display_name=display_name or username,
            role=Role(role),
            org=org,
            phone=phone,
            provider=provider,
            actor=None,
            now=utcnow(),
        )
    except HTTPException as error:
        data = getattr(error, "data", {}) or {}
        raise click.ClickException(
            f"{data.get('message', error.description)} {data.get('errors', '')}"
        ) from None
    click.echo(f"created {user.role} {user.username} (id {user.id}) in {org.name}")


@accounts_cli.command("purge")
@with_appcontext
def purge_expired():
    """Delete expired token revocations, ended sessions and registration codes (run it
    daily, e.g. from cron or a systemd timer)."""
    counts = service.purge_expired(now=utcnow())
    click.echo(", ".join(f"{table}: {n}" for table, n in counts.items()))
