import click
from flask.cli import with_appcontext
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from linli.db import utcnow
from linli.extensions import db
from linli.open311 import keys
from linli.orgs.models import Org

open311_cli = click.Group("open311", help="Keys of Open311 client apps.")


def _refused(error: HTTPException) -> click.ClickException:
    data = getattr(error, "data", None) or {}
    return click.ClickException(data.get("message") or error.description)


@open311_cli.command("issue-key")
@click.argument("name")
@click.option(
    "--community", "community_code", required=True, help="Code of the community its reports go to."
)
@click.option("--rate-limit", default=None, help=f"Default: {keys.DEFAULT_RATE_LIMIT}.")
@with_appcontext
def issue_key(name, community_code, rate_limit):
    """Issue a key for the client app NAME; the key is the last line printed (shown once)."""
    community = db.session.scalar(select(Org).where(Org.code == community_code))
    if community is None:
        raise click.BadParameter(f"no org with code {community_code!r}", param_hint="--community")
    try:
        row, key = keys.issue_key(
            name, community_id=community.id, rate_limit=rate_limit, actor=None, now=utcnow()
        )
    except HTTPException as error:
        raise _refused(error) from error
    click.echo(
        f"key {row.id} for {row.name} ({community.name}), {row.rate_limit}; keep it, it is not shown again:"
    )
    click.echo(key)


@open311_cli.command("revoke-key")
@click.argument("key_id", type=int)
@with_appcontext
def revoke_key(key_id):
    """Revoke key KEY_ID: it opens nothing from now on."""
    try:
        row = keys.revoke_key(None, key_id, now=utcnow())
    except HTTPException as error:
        raise _refused(error) from error
    click.echo(f"key {row.id} ({row.name}) revoked")
