import time
from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from linli.assessment.store import refresh_stale_facts
from linli.db import utcnow
from linli.escalation.calendar import CalendarError, import_calendar_file
from linli.escalation.service import escalate_overdue_cases
from linli.feedback.service import close_unrated_cases, remind_unrated_cases
from linli.notifications.delivery import deliver_due

escalation_cli = click.Group("escalation", help="SLA escalation.")


def parse_now(_ctx, _param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-01T08:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@escalation_cli.command("sweep")
@click.option(
    "--now", callback=parse_now, help="Sweep as if it were this moment (ISO 8601, UTC if no zone)."
)
@with_appcontext
def sweep(now):
    """Escalate every overdue case one level, close as not rated the resolved cases whose
    rating window has passed, ask for the ratings due within a day, bring the assessment's
    facts up to date and deliver pending notifications (idempotent; safe to run in
    parallel)."""
    click.echo(run_sweep(now or utcnow()))


@escalation_cli.command("calendar-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def calendar_import(path):
    """Enter the days of a calendar JSON file ({"holidays": [...], "workdays": [...]}, the
    LINLI_WORKING_CALENDAR format) into the database's working calendar (safe to rerun)."""
    try:
        changed = import_calendar_file(path, now=utcnow())
    except CalendarError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{changed} days entered or changed")


def run_sweep(now: datetime) -> str:
    """One sweep of the clocks; what it did, as one line for the log."""
    climbed = escalate_overdue_cases(now=now)
    unrated = close_unrated_cases(now=now)
    reminded = remind_unrated_cases(now=now)
    refreshed = refresh_stale_facts()  # the cases these (and the day's requests) changed
    delivered = deliver_due(now=now)  # what the sweep notified, and retries of what failed
    return (
        f"scanned {climbed.scanned}, escalated {climbed.escalated}, {climbed.seconds:.3f} s; "
        f"closed {unrated.closed} not rated, {unrated.seconds:.3f} s; "
        f"asked {reminded} to rate; "
        f"assessment facts of {refreshed} cases refreshed; notifications {delivered}"
    )


@click.command("scheduler")
@click.option("--interval", default=60, show_default=True, help="Seconds between sweeps.")
@with_appcontext
def scheduler(interval):
    """Run the sweep every minute (for deployments without cron)."""
    while True:
        now = utcnow()
        click.echo(f"{now.isoformat()} {run_sweep(now)}")
        time.sleep(interval)
