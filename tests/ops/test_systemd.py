"""deploy/systemd: the units run the shipped settings, as the unprivileged linli user."""

import configparser
import shlex

import pytest

from tests.ops.conftest import ROOT

UNITS = ROOT / "deploy" / "systemd"


@pytest.fixture
def _transaction():
    """Nothing here touches the database."""
    yield


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((UNITS / name).read_text())
    return parser


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("linli-app.service", ["gunicorn", "-c", "deploy/gunicorn.conf.py", "linli.wsgi:app"]),
        ("linli-scheduler.service", ["linli", "scheduler", "--interval", "60"]),
    ],
)
def test_the_long_running_services(name, command):
    service = unit(name)["Service"]
    program, *args = shlex.split(service["ExecStart"])

    assert [program.rsplit("/", 1)[1], *args] == command
    assert program.startswith("/srv/linli/app/.venv/bin/")
    # Run from the checkout, where relative paths (the gunicorn settings) are the repository's.
    assert service["WorkingDirectory"] == "/srv/linli/app"
    assert all((ROOT / arg).exists() for arg in args if arg.startswith("deploy/"))
    assert (service["User"], service["EnvironmentFile"]) == ("linli", "/etc/linli/linli.env")
    assert service["Restart"] in ("on-failure", "always")
    assert "/var/lib/linli" in service["ReadWritePaths"].split()
    assert unit(name)["Install"]["WantedBy"] == "multi-user.target"


def test_the_daily_purge():
    service = unit("linli-purge.service")["Service"]

    assert service["ExecStart"] == "/srv/linli/app/.venv/bin/linli accounts purge"
    assert unit("linli-purge.timer")["Install"]["WantedBy"] == "timers.target"


def test_the_nightly_backup():
    service = unit("linli-backup.service")["Service"]
    timer = unit("linli-backup.timer")

    assert service["Type"] == "oneshot"
    assert " backup /var/backups/linli/" in service["ExecStart"]
    assert "/var/backups/linli" in service["ReadWritePaths"].split()
    assert timer["Timer"]["OnCalendar"].startswith("*-*-*")
    assert timer["Install"]["WantedBy"] == "timers.target"
