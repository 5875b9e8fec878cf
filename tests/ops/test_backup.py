"""`linli backup` / `linli restore`: the demo city round-trips, table by table, row by row."""

import io
import json
import os
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, inspect, select
from sqlalchemy.engine import make_url

from linli import models  # noqa: F401 - every table in the metadata
from linli.extensions import db
from tests.ops.conftest import linli, linli_env, seed_demo

ALEMBIC_VERSION = Table(
    "alembic_version", MetaData(), Column("version_num", String(32), primary_key=True)
)


@pytest.fixture
def _transaction():
    """These tests talk to databases of their own through the `linli` command."""
    yield


def all_rows(url: str) -> dict[str, list]:
    """Every row of every table, in primary-key order."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = [*db.metadata.sorted_tables, ALEMBIC_VERSION]
            assert set(inspect(connection).get_table_names()) == {t.name for t in tables}
            return {
                table.name: connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).all()
                for table in tables
            }
    finally:
        engine.dispose()


def photos(instance: Path) -> dict[str, bytes]:
    uploads = instance / "uploads"
    return {str(p.relative_to(uploads)): p.read_bytes() for p in uploads.rglob("*") if p.is_file()}


def sqlite_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'linli.sqlite3'}"


def test_the_demo_city_round_trips_on_sqlite(demo_instance, tmp_path):
    backup = tmp_path / "city.linli-backup"
    restored = tmp_path / "restored"

    made = linli(linli_env(demo_instance), "backup", str(backup))
    done = linli(linli_env(restored), "restore", str(backup), "--yes")

    assert "and 1 photos" in made.stdout
    assert "restored the database at revision" in done.stdout
    rows = all_rows(sqlite_url(restored))
    assert rows == all_rows(sqlite_url(demo_instance))
    assert len(rows["cases"]) == 200
    assert photos(restored) == photos(demo_instance) != {}
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(backup) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["database"] == "sqlite"
    assert manifest["alembic_revisions"] == [rows["alembic_version"][0].version_num]


def _with_manifest(backup: Path, target: Path, **changes) -> Path:
    """A copy of `backup` whose manifest says something else."""
    with tarfile.open(backup) as source, tarfile.open(target, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), **changes}).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def test_restore_refuses_a_backup_from_newer_code(demo_instance, tmp_path):
    backup = tmp_path / "city.linli-backup"
    linli(linli_env(demo_instance), "backup", str(backup))
    future = _with_manifest(
        backup, tmp_path / "future.linli-backup", alembic_revisions=["0099_from_the_future"]
    )
    target = tmp_path / "target"

    refused = linli(linli_env(target), "restore", str(future), "--yes", check=False)

    assert refused.returncode == 1
    assert "revision 0099_from_the_future" in refused.stderr
    assert "made by a newer version" in refused.stderr
    assert not (target / "linli.sqlite3").exists()


def test_restore_refuses_entries_outside_the_backup(demo_instance, tmp_path):
    backup = tmp_path / "city.linli-backup"
    linli(linli_env(demo_instance), "backup", str(backup))
    with tarfile.open(backup, "a") as archive:
        escape = tarfile.TarInfo("photos/../../outside")
        archive.addfile(escape, io.BytesIO(b""))
    target = tmp_path / "target"

    refused = linli(linli_env(target), "restore", str(backup), "--yes", check=False)

    assert refused.returncode == 1
    assert "an entry Linli never writes: 'photos/../../outside'" in refused.stderr
    assert not (tmp_path / "outside").exists()
    assert not (target / "linli.sqlite3").exists()


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")

    refused = linli(linli_env(tmp_path / "target"), "restore", str(bogus), "--yes", check=False)

    assert refused.returncode == 1
    assert "is not a Linli backup" in refused.stderr


@pytest.fixture
def two_postgres_databases():
    """Two empty PostgreSQL databases beside the test database (a city and its restore)."""
    test_url = os.environ.get("LINLI_TEST_DATABASE_URL")
    if not test_url or not test_url.startswith("postgresql"):
        pytest.skip("round trip on PostgreSQL: set LINLI_TEST_DATABASE_URL to a PostgreSQL URL")
    base = make_url(test_url)
    names = [f"linli_backup_{uuid.uuid4().hex[:12]}_{side}" for side in ("city", "restored")]
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [base.set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_demo_city_round_trips_on_postgresql(two_postgres_databases, tmp_path):
    city_url, restored_url = two_postgres_databases
    city = linli_env(tmp_path / "city", LINLI_DATABASE_URL=city_url)
    seed_demo(city)
    (tmp_path / "city" / "uploads" / "ab").mkdir(parents=True)
    (tmp_path / "city" / "uploads" / "ab" / "abcd").write_bytes(b"photo bytes")
    restored = linli_env(tmp_path / "restored", LINLI_DATABASE_URL=restored_url)
    # Restored over a migrated (empty) database, as onto a city's replacement server.
    linli(restored, "db", "upgrade")
    backup = tmp_path / "city.linli-backup"

    linli(city, "backup", str(backup))
    linli(restored, "restore", str(backup), "--yes")

    rows = all_rows(restored_url)
    assert rows == all_rows(city_url)
    assert len(rows["cases"]) == 200
    assert photos(tmp_path / "restored") == photos(tmp_path / "city") != {}
