"""The `linli` command: the Flask CLI of the app, with each domain's commands."""

from flask import Flask
from flask.cli import FlaskGroup


def register_domain_commands(app: Flask) -> None:
    from linli.accounts.cli import accounts_cli
    from linli.categories.cli import categories_cli
    from linli.demo.cli import demo_cli
    from linli.escalation.cli import escalation_cli, scheduler
    from linli.notifications.cli import notifications_cli
    from linli.open311.cli import open311_cli
    from linli.ops.cli import backup, restore
    from linli.orgs.cli import orgs_cli
    from linli.sheets.cli import sheets_cli

    for command in (
        accounts_cli,
        orgs_cli,
        categories_cli,
        demo_cli,
        escalation_cli,
        scheduler,
        notifications_cli,
        sheets_cli,
        open311_cli,
        backup,
        restore,
    ):
        app.cli.add_command(command)


def _create_app(*_args, **_kwargs) -> Flask:
    import click

    from linli import create_app
    from linli.config import ConfigError

    try:
        return create_app()
    except ConfigError as error:
        # A setting the operator must fix: say which, without a traceback.
        raise click.ClickException(str(error)) from error


def main() -> None:
    FlaskGroup(create_app=_create_app, load_dotenv=False, set_debug_flag=False)()
