"""deploy/docker-compose.yml and deploy/Dockerfile: valid, and wired as the README says.

`docker compose config` checks the file where Docker Compose is installed; otherwise the
file is validated against the Compose Specification's JSON schema (vendored beside this
test, see COMPOSE-SPEC.md). Either way the wiring below is checked.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.ops.conftest import ROOT

COMPOSE = ROOT / "deploy" / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
SCHEMA = Path(__file__).with_name("compose-spec.json")


@pytest.fixture
def _transaction():
    """Nothing here touches the database."""
    yield


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _docker_compose() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


def _validate(compose: dict) -> None:
    # The schema names draft 07 in a spelling jsonschema does not look up: say it here.
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(compose)


def test_the_compose_file_is_valid(compose, tmp_path):
    if _docker_compose():
        # Beside the example settings, as an operator's copy of deploy/ would be.
        shutil.copy(COMPOSE, tmp_path / COMPOSE.name)
        shutil.copy(ROOT / "deploy" / "linli.env.example", tmp_path / "linli.env")
        done = subprocess.run(
            ["docker", "compose", "-f", str(tmp_path / COMPOSE.name), "config", "--quiet"],
            env={**os.environ, "POSTGRES_PASSWORD": "checked"},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
    _validate(compose)


def test_the_schema_would_see_a_mistake(compose):
    broken = {**compose, "services": {**compose["services"], "app": {"comand": ["typo"]}}}

    with pytest.raises(jsonschema.ValidationError, match="comand"):
        _validate(broken)


def test_the_services_start_in_order_with_healthchecks(compose):
    services = compose["services"]

    assert set(services) == {"postgres", "migrate", "app", "scheduler", "nginx"}
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["command"] == ["linli", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in ("app", "scheduler"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
    assert services["nginx"]["depends_on"] == {"app": {"condition": "service_healthy"}}
    for name in ("postgres", "app", "nginx"):
        assert services[name]["healthcheck"]["test"], name
    assert "/readyz" in " ".join(services["app"]["healthcheck"]["test"])


def test_the_app_runs_the_shipped_gunicorn_settings_and_the_scheduler_sweeps(compose):
    services = compose["services"]

    assert services["app"]["command"] == [
        "gunicorn",
        "-c",
        "deploy/gunicorn.conf.py",
        "linli.wsgi:app",
    ]
    assert services["scheduler"]["command"][:2] == ["linli", "scheduler"]
    assert services["app"]["environment"]["LINLI_TRUST_PROXY"] == "1"
    assert "ports" not in services["app"]  # only through nginx
    for name in ("migrate", "app", "scheduler"):
        assert services[name]["image"] == "linli-app"
        assert services[name]["build"]["target"] == "app"
        assert services[name]["environment"]["LINLI_ENV"] == "production"
        assert "@postgres:5432/linli" in services[name]["environment"]["LINLI_DATABASE_URL"]


def test_the_database_keeps_its_data_in_a_named_volume(compose):
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    assert {"pgdata", "instance"} <= set(compose["volumes"])


def test_the_dockerfile_builds_the_pwa_with_node_20_and_runs_the_app_unprivileged():
    dockerfile = DOCKERFILE.read_text()
    stages = dict(re.findall(r"^FROM (\S+) AS (\w+)$", dockerfile, re.MULTILINE))

    assert stages == {"node:20-bookworm-slim": "pwa", "python:3.11-slim": "app", **stages}
    assert set(stages.values()) == {"pwa", "app", "nginx"}
    app_stage = dockerfile.split(" AS app")[1].split("\nFROM ")[0]
    assert re.search(r"^USER linli$", app_stage, re.MULTILINE)
    # Every file copied from the repository exists (the build context is its root).
    for source in re.findall(r"^COPY (?!--from)(\S+)", dockerfile, re.MULTILINE):
        assert (ROOT / source).exists(), source
