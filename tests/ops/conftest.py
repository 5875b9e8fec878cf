"""Operations fixtures: a demo city in an instance folder of its own, driven by the `linli`
command as an operator would (one seed per test session, shared by the backup and nginx
tests)."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def linli_env(instance: Path, **settings: str) -> dict[str, str]:
    """The environment of a `linli` run on `instance`, whatever the caller's LINLI_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(
        LINLI_ENV="development",
        LINLI_INSTANCE_PATH=str(instance),
        LINLI_SECRET_KEY="ops-test-secret-" + uuid.uuid4().hex,
        LINLI_PASSWORD_HASH_PROFILE="fast",
        PYTHONUNBUFFERED="1",
        **settings,
    )
    return env


def venv_tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name) or name


def linli(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [venv_tool("linli"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    if check and done.returncode != 0:
        raise AssertionError(f"linli {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def seed_demo(env: dict[str, str]) -> None:
    linli(env, "db", "upgrade")
    linli(env, "demo", "seed")


@pytest.fixture(scope="session")
def demo_instance(tmp_path_factory) -> Path:
    """An instance folder holding the demo city on SQLite, and one photo. Copy it to change it."""
    instance = tmp_path_factory.mktemp("demo-instance")
    seed_demo(linli_env(instance))
    photo = instance / "uploads" / "ph" / "photo-of-a-broken-lift"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG, but bytes to carry")
    return instance
