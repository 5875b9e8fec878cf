import click
from flask.cli import with_appcontext

from linli.categories.service import seed_national_categories
from linli.extensions import db

categories_cli = click.Group("categories", help="Need categories.")


@categories_cli.command("seed")
@with_appcontext
def seed():
    """Add the national categories that are missing (a new city's first step; safe to rerun)."""
    seed_national_categories()
    db.session.commit()
    click.echo("national categories in place")
