"""Settings from environment variables and the instance folder."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(RuntimeError):
    """The settings cannot run the app (e.g. production with a generated secret)."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _days(name: str, default: int) -> int:
    value = _env(name, str(default))
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of days, at least 1, not {value!r}")
    return int(value)


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _env(name, default)
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _weights(name: str, default: str) -> tuple[float, float, float]:
    value = _env(name, default)
    try:
        parts = tuple(float(part) for part in value.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 3 or min(parts) < 0 or sum(parts) <= 0:
        raise ConfigError(
            f"{name} must be three weights (response,resolution,satisfaction), not {value!r}"
        )
    return parts


def _count(name: str, default: int) -> int:
    value = _env(name, str(default))
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {value!r}")
    return int(value)


def _engine_options(url: str) -> dict:
    """Connection pool per process. PostgreSQL: each gunicorn worker keeps up to
    LINLI_DB_POOL_SIZE connections (one per thread is enough: deploy/gunicorn.conf.py) and
    opens LINLI_DB_MAX_OVERFLOW more under a burst; workers × (pool + overflow) must stay
    under the server's max_connections, or go through PgBouncer. psycopg prepares a
    statement run 5 times on a connection (LINLI_DB_PREPARE_THRESHOLD, 0: never): PgBouncer
    in transaction mode before 1.21 (or without max_prepared_statements) needs 0."""
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        threshold = _count("LINLI_DB_PREPARE_THRESHOLD", 5)
        options |= {
            "pool_size": _count("LINLI_DB_POOL_SIZE", 4),
            "max_overflow": _count("LINLI_DB_MAX_OVERFLOW", 4),
            "connect_args": {"prepare_threshold": threshold or None},
        }
    return options


def _instance_secret(instance: Path) -> str:
    # Development keeps one generated secret so tokens survive a restart.
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config; `overrides` (tests) win over the environment."""
    overrides = dict(overrides or {})
    env = overrides.get("ENV", _env("LINLI_ENV", "development"))
    if env not in ("development", "production"):
        raise ConfigError(f"LINLI_ENV must be development or production, not {env!r}")
    instance = Path(
        overrides.get("INSTANCE_PATH") or _env("LINLI_INSTANCE_PATH", str(REPO_ROOT / "instance"))
    ).resolve()
    instance.mkdir(parents=True, exist_ok=True)

    secret = overrides.get("SECRET_KEY") or _env("LINLI_SECRET_KEY")
    secret_generated = secret is None
    if secret_generated:
        if env == "production":
            raise ConfigError("LINLI_SECRET_KEY is required in production")
        secret = _instance_secret(instance)

    database_url = _env("LINLI_DATABASE_URL", f"sqlite:///{instance / 'linli.sqlite3'}")
    config = {
        "ENV": env,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secret,
        "SECRET_KEY_GENERATED": secret_generated,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "MAX_CONTENT_LENGTH": int(_env("LINLI_MAX_REQUEST_BYTES", str(12 * 1024 * 1024))),
        "MAX_UPLOAD_BYTES": int(_env("LINLI_MAX_UPLOAD_BYTES", str(8 * 1024 * 1024))),
        # Behind nginx: take the client's address and scheme from X-Forwarded-For/-Proto.
        "TRUST_PROXY": _env("LINLI_TRUST_PROXY", "0") == "1",
        "LOG_LEVEL": _env("LINLI_LOG_LEVEL", "INFO").upper(),
        "PWA_DIST": _env("LINLI_PWA_DIST", str(REPO_ROOT / "pwa" / "dist")),
        "DEMO_PASSWORD": _env("LINLI_DEMO_PASSWORD", "linli-demo"),
        # Route a new case to the clearly best provider without waiting for a dispatcher.
        "AUTO_ROUTING": _env("LINLI_AUTO_ROUTING", "1") == "1",
        # JSON file of holidays and make-up working days; unset: SLA clocks run on wall time.
        "WORKING_CALENDAR": _env("LINLI_WORKING_CALENDAR"),
        "PASSWORD_HASH_PROFILE": _env("LINLI_PASSWORD_HASH_PROFILE", "standard"),
        # Auth tokens
        "JWT_SECRET_KEY": secret,
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(
            minutes=int(_env("LINLI_ACCESS_TOKEN_MINUTES", "15"))
        ),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(days=int(_env("LINLI_REFRESH_TOKEN_DAYS", "30"))),
        "JWT_TOKEN_LOCATION": ["headers"],
        # Rate limits (flask-limiter notation). Their counters live in the app's database by
        # default, so they hold across workers; or e.g. redis://host:6379 ("memory://": per process).
        "RATELIMIT_STORAGE_URI": _env("LINLI_RATELIMIT_STORAGE_URI", "database://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_ACCOUNT": _env("LINLI_LOGIN_LIMIT_PER_ACCOUNT", "5 per minute"),
        "LOGIN_LIMIT_PER_ADDRESS": _env("LINLI_LOGIN_LIMIT_PER_ADDRESS", "30 per minute"),
        # Registration: codes texted per number and per address, accounts made per address.
        "CODE_LIMIT_PER_PHONE": _env("LINLI_CODE_LIMIT_PER_PHONE", "1 per minute;5 per day"),
        "CODE_LIMIT_PER_ADDRESS": _env("LINLI_CODE_LIMIT_PER_ADDRESS", "20 per hour"),
        "REGISTER_LIMIT_PER_ADDRESS": _env("LINLI_REGISTER_LIMIT_PER_ADDRESS", "10 per hour"),
        # Who texts registration codes and case notices: module:Class with send_code,
        # send_registered_notice and send_case_notice (see accounts/sms.py); the default
        # writes them to the app log, numbers masked.
        "SMS_SENDER": _env("LINLI_SMS_SENDER", "linli.accounts.sms:LogSender"),
        # Notifications beyond the inbox (notifications/delivery.py). Web Push: a VAPID pair
        # from `linli notifications vapid-keys` and a contact (mailto: or https:) for the push
        # services; nothing is pushed while the keys are unset.
        "VAPID_PUBLIC_KEY": _env("LINLI_VAPID_PUBLIC_KEY", ""),
        "VAPID_PRIVATE_KEY": _env("LINLI_VAPID_PRIVATE_KEY", ""),
        "VAPID_SUBJECT": _env("LINLI_VAPID_SUBJECT", "mailto:admin@linli.example.org"),
        # When residents get an SMS about their case (accepted, done, escalated, please rate):
        # "fallback" when no push reached them, "always" as well as push, "off" never.
        "SMS_NOTICES": _choice("LINLI_SMS_NOTICES", "fallback", ("fallback", "always", "off")),
        # Deliver from a thread of the process right after the transaction commits ("0":
        # only `linli notifications deliver` and the sweep do).
        "DELIVER_AFTER_COMMIT": _env("LINLI_DELIVER_AFTER_COMMIT", "1") == "1",
        # New reports per resident (a replay of the same report does not count).
        "REPORT_LIMIT_PER_RESIDENT": _env(
            "LINLI_REPORT_LIMIT_PER_RESIDENT", "10 per hour;30 per day"
        ),
        # Open311 discovery: whom to ask about the API, and where client apps ask for a key.
        "OPEN311_CONTACT": _env("LINLI_OPEN311_CONTACT", ""),
        "OPEN311_KEY_SERVICE": _env("LINLI_OPEN311_KEY_SERVICE", ""),
        # Small maps under a case's position: an XYZ tile URL template, e.g.
        # https://tile.openstreetmap.org/{z}/{x}/{y}.png (mind the tile server's usage policy);
        # unset: no map, nothing fetched. The credit line the tiles' licence asks for.
        "MAP_TILE_URL": _env("LINLI_MAP_TILE_URL", ""),
        "MAP_TILE_ATTRIBUTION": _env("LINLI_MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors"),
        # How long a resolved case waits for the resident's rating before the sweep closes
        # it as not rated, and how long after closing the reporter may appeal (days).
        "RATING_WINDOW_DAYS": _days("LINLI_RATING_WINDOW_DAYS", 7),
        "APPEAL_WINDOW_DAYS": _days("LINLI_APPEAL_WINDOW_DAYS", 7),
        # The assessment score's weights of the response, resolution and satisfaction
        # rates: 10/45/45 as in municipal 12345 practice; a default to confirm locally.
        "ASSESSMENT_WEIGHTS": _weights("LINLI_ASSESSMENT_WEIGHTS", "10,45,45"),
        # Measured (a dispatcher's page of 20 cases, 19.6 KB of JSON): brotli at level 4 makes
        # it 2.1 KB in 0.25 ms, under 1% of the request's CPU, and a phone on a slow network
        # waits for a ninth of the bytes. A body that fits one TCP segment (~1,400 bytes)
        # arrives in one round trip either way: it is sent as it is.
        "COMPRESS_MIN_SIZE": 1400,
        # What travels compressed (flask-compress); photos are compressed already.
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/problem+json",
            "application/manifest+json",
            "image/svg+xml",
        ],
        # OpenAPI document and interactive docs
        "API_TITLE": "Linli API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "v1/openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/docs/static/",
    }
    config.update(overrides)
    config["JWT_SECRET_KEY"] = config["SECRET_KEY"]
    config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", _engine_options(config["SQLALCHEMY_DATABASE_URI"])
    )
    replica = _env("LINLI_REPLICA_DATABASE_URL")
    if replica and "SQLALCHEMY_BINDS" not in config:
        # A streaming replica of the primary: the figures read there (db.reading_from_replica).
        config["SQLALCHEMY_BINDS"] = {"replica": {"url": replica, **_engine_options(replica)}}
    if env == "production" and config["SECRET_KEY_GENERATED"]:
        raise ConfigError("LINLI_SECRET_KEY is required in production")
    if config["MAP_TILE_URL"]:
        from linli.maps import tile_url_problem

        if problem := tile_url_problem(config["MAP_TILE_URL"]):
            raise ConfigError(f"LINLI_MAP_TILE_URL {problem}, not {config['MAP_TILE_URL']!r}")
    if config["WORKING_CALENDAR"]:
        # A broken calendar would fail every report later on; refuse to start instead.
        from linli.escalation.calendar import CalendarError, load_calendar

        try:
            load_calendar(config["WORKING_CALENDAR"])
        except CalendarError as error:
            raise ConfigError(f"LINLI_WORKING_CALENDAR: {error}") from error
    return config
