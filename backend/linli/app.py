"""The app factory: named steps, nothing built at import time."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from linli.config import load_config
from linli.extensions import api, compress, db, jwt, limiter, migrate

# backend/migrations, beside the package (the project is installed editable).
MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"


def create_app(config: dict | None = None) -> Flask:
    settings = load_config(config)
    app = Flask("linli", instance_path=settings["INSTANCE_PATH"], static_folder=None)
    app.config.update(settings)
    app.json.ensure_ascii = False  # Chinese stays readable on the wire
    app.json.sort_keys = False
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    register_request_logs(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def register_request_logs(app: Flask) -> None:
    from linli.ops.logs import configure_logging

    # First: every later hook (and a problem it answers with) knows the request id.
    configure_logging(app)


def register_extensions(app: Flask) -> None:
    from linli import db as db_module
    from linli import models  # noqa: F401 - every table in the metadata
    from linli.accounts import tokens  # noqa: F401 - JWT callbacks

    db.init_app(app)
    with app.app_context():
        db_module.configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    jwt.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    api.init_app(app)


def register_blueprints(app: Flask) -> None:
    from linli.accounts.api import blp as accounts_blp
    from linli.accounts.api import me_blp
    from linli.analytics.api import blp as analytics_blp
    from linli.assessment.api import blp as assessment_blp
    from linli.audit.api import blp as audit_blp
    from linli.cases.api import blp as cases_blp
    from linli.categories.api import blp as categories_blp
    from linli.docs import blp as docs_blp
    from linli.escalation.api import blp as sla_blp
    from linli.escalation.api import calendar_blp
    from linli.feedback.api import blp as feedback_blp
    from linli.feedback.api import reviews_blp
    from linli.maps import blp as map_blp
    from linli.notifications.api import blp as notifications_blp
    from linli.notifications.api import push_blp
    from linli.open311.api import blp as open311_blp
    from linli.open311.api import keys_blp as open311_keys_blp
    from linli.ops.health import blp as ops_blp
    from linli.orgs.api import blp as orgs_blp
    from linli.orgs.api import homes_blp
    from linli.rounds.api import blp as rounds_blp
    from linli.routing.api import blp as providers_blp
    from linli.routing.api import duties_blp, routing_blp, tasks_blp
    from linli.sheets.api import blp as sheets_blp
    from linli.web import blp as web_blp

    for blp in (
        accounts_blp,
        me_blp,
        orgs_blp,
        homes_blp,
        categories_blp,
        providers_blp,
        cases_blp,
        routing_blp,
        duties_blp,
        tasks_blp,
        feedback_blp,
        reviews_blp,
        rounds_blp,
        sla_blp,
        calendar_blp,
        notifications_blp,
        push_blp,
        audit_blp,
        assessment_blp,
        analytics_blp,
        open311_keys_blp,
        sheets_blp,
        map_blp,
    ):
        api.register_blueprint(blp, url_prefix=f"/api/v1{blp.url_prefix or ''}")
    app.register_blueprint(docs_blp)
    app.register_blueprint(open311_blp)
    app.register_blueprint(ops_blp)
    app.register_blueprint(web_blp)


def register_errorhandlers(app: Flask) -> None:
    from linli.errors import check_request_line, register_problem_handlers, require_json_bodies

    register_problem_handlers(app)
    app.before_request(check_request_line)
    app.before_request(require_json_bodies)


def register_security_headers(app: Flask) -> None:
    from linli import security_headers

    security_headers.register_security_headers(app)


def register_commands(app: Flask) -> None:
    from linli.cli import register_domain_commands

    register_domain_commands(app)
