import click
from flask.cli import with_appcontext
from sqlalchemy import select

from linli.audit.service import record_change
from linli.db import utcnow
from linli.extensions import db
from linli.orgs.models import Org, OrgKind
from linli.orgs.service import create_org

orgs_cli = click.Group("orgs", help="The org tree: city, districts, streets, communities, grids.")


@orgs_cli.command("create")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]), required=True)
@click.option("--code", required=True, help="A stable code, unique in the tree.")
@click.option("--name", required=True, help="The name in Chinese.")
@click.option("--name-en", default="", help="The name in English.")
@click.option(
    "--parent", "parent_code", default=None, help="Code of the node above (not for a city)."
)
@with_appcontext
def create(kind, code, name, name_en, parent_code):
    """Add a node to the org tree (a new city starts with its city node, then its first
    admin: `linli accounts create --role admin --org CITY_CODE ...`)."""
    parent = None
    if parent_code:
        parent = db.session.scalar(select(Org).where(Org.code == parent_code))
        if parent is None:
            raise click.BadParameter(f"no org with code {parent_code!r}", param_hint="--parent")
    if db.session.scalar(select(Org.id).where(Org.code == code)) is not None:
        raise click.BadParameter(f"an org with code {code!r} exists already", param_hint="--code")
    try:
        org = create_org(kind=OrgKind(kind), code=code, name=name, name_en=name_en, parent=parent)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--parent") from None
    record_change(None, org, None, now=utcnow())
    db.session.commit()
    click.echo(f"created {org.kind} {org.code} {org.name} (id {org.id})")
