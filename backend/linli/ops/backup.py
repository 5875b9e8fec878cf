"""One file holding a city: the database, the residents' photos and a manifest.

The file is a tar: manifest.json (format, database kind, Alembic revision, when), the
database (SQLite: a copy made with SQLite's online backup API, consistent while the app
writes; PostgreSQL: pg_dump's custom format, one consistent snapshot) and photos/ (the
upload folder). The database is copied first: a photo stored meanwhile is in the folder
but not yet in the database, which is harmless; the other way round would lose photos.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Engine

from linli.db import utcnow

FORMAT = 1
MANIFEST = "manifest.json"
PHOTOS = "photos"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    """A backup that cannot be made or restored; the message says why, for the operator."""


@dataclass(frozen=True)
class Site:
    """What a backup holds and a restore replaces."""

    engine: Engine
    upload_folder: Path
    migrations_directory: str


def write_backup(site: Site, target: Path) -> dict:
    """Write the backup file `target`; the manifest written into it."""
    from linli.ops.health import database_heads

    dialect = _dialect(site.engine)
    revisions = sorted(database_heads())
    if not revisions:
        raise BackupError("the database has no schema yet (run `linli db upgrade` first)")
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="linli-backup-") as work:
        database_file = Path(work) / DATABASE_MEMBERS[dialect]
        if dialect == "sqlite":
            _copy_sqlite(Path(site.engine.url.database), database_file)
        else:
            _pg_dump(site.engine.url, database_file)
        photos = sorted(p for p in site.upload_folder.rglob("*") if p.is_file())
        manifest = {
            "format": FORMAT,
            "created_at": utcnow().isoformat(),
            "database": dialect,
            "alembic_revisions": revisions,
            "photos": len(photos),
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        # Written beside the target and renamed: a half-written file never looks like a backup.
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
        try:
            with tarfile.open(partial, "w") as archive:
                archive.add(Path(work) / MANIFEST, MANIFEST)
                archive.add(database_file, database_file.name)
                for photo in photos:
                    archive.add(photo, f"{PHOTOS}/{photo.relative_to(site.upload_folder)}")
            partial.chmod(0o600)  # it holds every resident's personal data
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def read_manifest(source: Path) -> dict:
    try:
        with tarfile.open(source) as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{source} is not a Linli backup ({error})") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is in backup format {manifest.get('format')!r}, not {FORMAT}")
    return manifest


def check_restorable(site: Site, manifest: dict) -> None:
    """Refuse a backup this code cannot run: another database kind, or a newer schema."""
    dialect = _dialect(site.engine)
    if manifest["database"] != dialect:
        raise BackupError(
            f"the backup holds a {manifest['database']} database; this Linli runs on {dialect}"
        )
    script = ScriptDirectory(site.migrations_directory)
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = [rev for rev in manifest["alembic_revisions"] if rev not in known]
    if unknown:
        raise BackupError(
            f"the backup's schema is at revision {', '.join(unknown)}, which this version of "
            "Linli does not know: it was made by a newer version. Install that version (or a "
            "later one) and restore with it."
        )


def restore_backup(site: Site, source: Path) -> dict:
    """Replace the database and the photos with the backup's; the backup's manifest."""
    manifest = read_manifest(source)
    check_restorable(site, manifest)
    dialect = manifest["database"]
    site.upload_folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(
        prefix="linli-restore-", dir=site.upload_folder.parent
    ) as work:
        with tarfile.open(source) as archive:
            archive.extractall(work, members=_plain_members(archive), **_DATA_FILTER)
        site.engine.dispose()  # no pooled connection may hold the old database
        database_file = Path(work) / DATABASE_MEMBERS[dialect]
        if dialect == "sqlite":
            _copy_sqlite(database_file, Path(site.engine.url.database))
        else:
            _pg_restore(site.engine.url, database_file)
        photos = Path(work) / PHOTOS
        photos.mkdir(exist_ok=True)
        if site.upload_folder.exists():
            shutil.rmtree(site.upload_folder)
        photos.rename(site.upload_folder)
    return manifest


# Python's "data" extraction filter where it has one (3.11.4+; Debian 12 ships 3.11.2,
# without it), on top of the check below; newer Pythons warn when no filter is named.
_DATA_FILTER = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}


def _plain_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """The backup's entries, refused unless all are files and folders inside it."""
    members = archive.getmembers()
    for member in members:
        parts = PurePosixPath(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"the backup holds an entry Linli never writes: {member.name!r}")
    return members


def _dialect(engine: Engine) -> str:
    if engine.dialect.name not in DATABASE_MEMBERS:
        raise BackupError(f"backups cover SQLite and PostgreSQL, not {engine.dialect.name}")
    return engine.dialect.name


def _copy_sqlite(source: Path, target: Path) -> None:
    # SQLite's online backup: a consistent copy page by page, while others read and write.
    source_db = sqlite3.connect(source)
    target_db = sqlite3.connect(target)
    try:
        with target_db:
            source_db.backup(target_db)
    finally:
        target_db.close()
        source_db.close()


def _libpq(url: URL) -> tuple[str, dict]:
    """The connection string for pg_dump and pg_restore, the password in the environment
    (never on a command line that `ps` shows)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from error
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def _pg_dump(url: URL, target: Path) -> None:
    dsn, env = _libpq(url)
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", dsn],
        env,
    )


def _pg_restore(url: URL, source: Path) -> None:
    dsn, env = _libpq(url)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dsn}",
            str(source),
        ],
        env,
    )
