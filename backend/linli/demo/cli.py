import click
from flask import current_app
from flask.cli import with_appcontext

from linli.demo.seed import DemoRefused, seed_demo_city

demo_cli = click.Group("demo", help="Demo data for trying Linli out.")


@demo_cli.command("seed")
@with_appcontext
def seed():
    """Build the demo city with its accounts and ~200 cases (skipped if already there)."""
    try:
        summary = seed_demo_city(current_app.config)
    except DemoRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(summary)
