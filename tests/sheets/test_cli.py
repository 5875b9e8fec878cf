"""`linli sheets plan|import KIND FILE --admin USERNAME`: the screen's dry run and import for
an operator at the console (it replaced `linli providers import` and its English CSV)."""

import pytest
from sqlalchemy import select

from linli.audit.models import AuditRecord
from linli.extensions import db
from linli.routing.models import Provider
from tests.sheets.conftest import csv_bytes
from tests.support import count


@pytest.fixture
def sheets(app, tmp_path):
    runner = app.test_cli_runner()

    def invoke(step, kind, rows, admin="admin"):
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(csv_bytes(kind, rows, "gb18030"))
        return runner.invoke(args=["sheets", step, kind, str(path), "--admin", admin])

    return invoke


def test_a_file_naming_one_provider_twice_is_refused_whole(sheets, world):
    rows = [
        ["阳光家政", "企业", "家政便民", "t-s", "10", ""],
        ["阳光家政", "企业", "健康服务", "t-s", "10", ""],
    ]

    result = sheets("import", "providers", rows)

    assert result.exit_code == 1
    assert "row 3 refuse: 阳光家政  row: duplicate_row {'row': 2}" in result.output
    assert "nothing was imported" in result.output
    assert db.session.scalar(select(Provider).where(Provider.name == "阳光家政")) is None


def test_the_dry_run_then_the_import_of_providers_as_an_admin(sheets, world):
    rows = [["阳光家政", "企业", "家政便民", "t-s", "10", "12345"]]

    planned = sheets("plan", "providers", rows)
    assert planned.exit_code == 0, planned.output
    assert db.session.scalar(select(Provider).where(Provider.name == "阳光家政")) is None
    imported = sheets("import", "providers", rows)

    assert imported.exit_code == 0, imported.output
    assert planned.output == imported.output
    assert imported.output.startswith("1 create, 0 change, 0 unchanged, 0 refuse\n")
    provider = db.session.scalar(select(Provider).where(Provider.name == "阳光家政"))
    assert (provider.capacity, provider.contact) == (10, "12345")
    assert count(AuditRecord, AuditRecord.actor_id == world.admin.id) == 1


def test_the_commands_need_an_active_admin(sheets, world):
    result = sheets("plan", "households", [["t-ca-1", "1号楼", "1-109"]], admin="officer_s")

    assert result.exit_code == 2
    assert "no active admin 'officer_s'" in result.output
