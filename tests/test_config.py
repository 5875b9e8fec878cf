"""Settings: environment variables and the instance folder decide how the app runs."""

import os
import stat
from datetime import timedelta

import pytest

from linli.config import ConfigError, load_config

SECRET = "a-production-secret-that-is-long-enough"


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean LINLI_* environment whose instance folder is a temporary one."""
    for name in list(os.environ):
        if name.startswith("LINLI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LINLI_INSTANCE_PATH", str(tmp_path))

    def set_env(**values):
        for name, value in values.items():
            monkeypatch.setenv(f"LINLI_{name}", value)

    return set_env


def test_production_without_a_secret_key_is_refused(env, tmp_path):
    env(ENV="production")

    with pytest.raises(ConfigError, match="LINLI_SECRET_KEY"):
        load_config()
    assert not (tmp_path / "secret_key").exists()


def test_production_with_a_secret_key_uses_it(env):
    env(ENV="production", SECRET_KEY=SECRET)

    config = load_config()

    assert config["ENV"] == "production"
    assert config["SECRET_KEY"] == config["JWT_SECRET_KEY"] == SECRET
    assert config["SECRET_KEY_GENERATED"] is False


def test_development_generates_a_secret_once_and_keeps_it(env, tmp_path):
    first = load_config()
    second = load_config()

    assert first["ENV"] == "development"
    assert first["SECRET_KEY_GENERATED"] is True
    assert len(first["SECRET_KEY"]) >= 32
    assert first["SECRET_KEY"] == second["SECRET_KEY"] == first["JWT_SECRET_KEY"]
    secret_file = tmp_path / "secret_key"
    assert secret_file.read_text().strip() == first["SECRET_KEY"]
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600


def test_each_instance_folder_gets_its_own_secret(env, tmp_path, monkeypatch):
    first = load_config()
    monkeypatch.setenv("LINLI_INSTANCE_PATH", str(tmp_path / "other"))

    assert load_config()["SECRET_KEY"] != first["SECRET_KEY"]


def test_default_database_is_sqlite_in_the_instance_folder(env, tmp_path):
    config = load_config()

    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path.resolve() / 'linli.sqlite3'}"
    assert config["INSTANCE_PATH"] == str(tmp_path.resolve())


def test_instance_folder_is_created(env, tmp_path, monkeypatch):
    monkeypatch.setenv("LINLI_INSTANCE_PATH", str(tmp_path / "new" / "instance"))

    load_config()

    assert (tmp_path / "new" / "instance").is_dir()


def test_database_url_comes_from_the_environment(env):
    env(DATABASE_URL="postgresql+psycopg://linli@db:5432/linli")

    assert load_config()["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://linli@db:5432/linli"


def test_postgresql_pool_and_prepared_statements_come_from_the_environment(env):
    env(DATABASE_URL="postgresql+psycopg://linli@db:5432/linli")
    assert load_config()["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_pre_ping": True,
        "pool_size": 4,
        "max_overflow": 4,
        "connect_args": {"prepare_threshold": 5},
    }

    env(DB_POOL_SIZE="2", DB_MAX_OVERFLOW="0", DB_PREPARE_THRESHOLD="0")  # behind PgBouncer
    options = load_config()["SQLALCHEMY_ENGINE_OPTIONS"]
    assert (options["pool_size"], options["max_overflow"]) == (2, 0)
    assert options["connect_args"] == {"prepare_threshold": None}  # psycopg: never prepare


def test_sqlite_gets_no_server_pool_settings(env):
    assert load_config()["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}


def test_a_pool_size_that_is_not_a_number_is_refused(env):
    env(DATABASE_URL="postgresql+psycopg://linli@db:5432/linli", DB_POOL_SIZE="many")
    with pytest.raises(ConfigError, match="LINLI_DB_POOL_SIZE"):
        load_config()


@pytest.mark.parametrize("value", ["staging", "prod", "Production", "test"])
def test_unknown_environment_is_refused(env, value):
    env(ENV=value)

    with pytest.raises(ConfigError, match="LINLI_ENV"):
        load_config()


def test_empty_environment_variables_count_as_unset(env):
    env(ENV="", DATABASE_URL="", LOGIN_LIMIT_PER_ACCOUNT="")

    config = load_config()

    assert config["ENV"] == "development"
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["LOGIN_LIMIT_PER_ACCOUNT"] == "5 per minute"


def test_login_limits_have_defaults(env):
    config = load_config()

    assert config["LOGIN_LIMIT_PER_ACCOUNT"] == "5 per minute"
    assert config["LOGIN_LIMIT_PER_ADDRESS"] == "30 per minute"


def test_login_limits_come_from_the_environment(env):
    env(LOGIN_LIMIT_PER_ACCOUNT="3 per 10 minutes", LOGIN_LIMIT_PER_ADDRESS="100 per hour")

    config = load_config()

    assert config["LOGIN_LIMIT_PER_ACCOUNT"] == "3 per 10 minutes"
    assert config["LOGIN_LIMIT_PER_ADDRESS"] == "100 per hour"


def test_token_lifetimes_come_from_the_environment(env):
    env(ACCESS_TOKEN_MINUTES="5", REFRESH_TOKEN_DAYS="7")

    config = load_config()

    assert config["JWT_ACCESS_TOKEN_EXPIRES"] == timedelta(minutes=5)
    assert config["JWT_REFRESH_TOKEN_EXPIRES"] == timedelta(days=7)


def test_overrides_win_over_the_environment(env, tmp_path):
    env(ENV="production", SECRET_KEY=SECRET)

    config = load_config(
        {
            "ENV": "development",
            "SECRET_KEY": "override-secret",
            "INSTANCE_PATH": str(tmp_path / "elsewhere"),
        }
    )

    assert config["ENV"] == "development"
    assert config["SECRET_KEY"] == config["JWT_SECRET_KEY"] == "override-secret"
    assert config["INSTANCE_PATH"] == str((tmp_path / "elsewhere").resolve())
