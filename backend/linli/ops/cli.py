from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from linli.extensions import db
from linli.ops.backup import BackupError, Site, restore_backup, write_backup
from linli.ops.health import code_heads


def _site() -> Site:
    return Site(
        engine=db.engine,
        upload_folder=Path(current_app.config["UPLOAD_FOLDER"]),
        migrations_directory=current_app.extensions["migrate"].directory,
    )


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def backup(file: Path):
    """Write the database and the photos to FILE (safe while the app runs)."""
    try:
        manifest = write_backup(_site(), file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"backed up the {manifest['database']} database at revision "
        f"{', '.join(manifest['alembic_revisions'])} and {manifest['photos']} photos to {file}"
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
@with_appcontext
def restore(file: Path, yes: bool):
    """Replace the database and the photos with those in FILE (stop the app first)."""
    site = _site()
    if not yes:
        click.confirm(
            f"Replace the database {site.engine.url.render_as_string()} and the photos in "
            f"{site.upload_folder} with the backup {file}?",
            abort=True,
        )
    try:
        manifest = restore_backup(site, file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"restored the database at revision {', '.join(manifest['alembic_revisions'])} "
        f"(made {manifest['created_at']}) and {manifest['photos']} photos"
    )
    if set(manifest["alembic_revisions"]) != code_heads(site.migrations_directory):
        click.echo("the backup's schema is older than this code: now run `linli db upgrade`")
