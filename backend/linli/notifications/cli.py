import click
from flask.cli import with_appcontext

from linli.db import utcnow
from linli.escalation.cli import parse_now
from linli.notifications.delivery import deliver_due
from linli.notifications.push import vapid_key_pair

notifications_cli = click.Group("notifications", help="Delivery of notifications beyond the inbox.")


@notifications_cli.command("deliver")
@click.option(
    "--now",
    callback=parse_now,
    help="Deliver as if it were this moment (ISO 8601, UTC if no zone).",
)
@with_appcontext
def deliver(now):
    """Send every pending notification whose time has come by push or SMS (idempotent;
    safe to run beside the deliveries after commit)."""
    click.echo(str(deliver_due(now=now or utcnow())))


@notifications_cli.command("vapid-keys")
def vapid_keys():
    """Print a new VAPID key pair, as lines for the env file."""
    public, private = vapid_key_pair()
    click.echo(f"LINLI_VAPID_PUBLIC_KEY={public}\nLINLI_VAPID_PRIVATE_KEY={private}")
