import click
from flask.cli import with_appcontext

from linli.routing.importer import ImportRefused, import_providers

providers_cli = click.Group("providers", help="Service providers.")


@providers_cli.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@with_appcontext
def import_command(csv_file):
    """Create or update providers from CSV (name,type,categories,coverage,capacity,contact,active)."""
    try:
        result = import_providers(csv_file)
    except ImportRefused as refusal:
        raise click.ClickException("nothing imported:\n  " + "\n  ".join(refusal.errors)) from None
    click.echo(f"providers: {result.created} created, {result.updated} updated")
