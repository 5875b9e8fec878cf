"""Liveness and readiness for load balancers and orchestrators (outside the API: no auth).

/healthz: the process answers (touches nothing). /readyz: the database answers and its
schema is at the migrations' head, so a deploy that forgot `linli db upgrade` is not
sent traffic.
"""

from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from linli.errors import PROBLEM_BASE, problem
from linli.extensions import db

blp = Blueprint("ops", __name__)


@cache
def code_heads(directory: str) -> frozenset[str]:
    """The head revisions the code's migrations end at (read once per process)."""
    return frozenset(ScriptDirectory(directory).get_heads())


def migrations_directory() -> str:
    return current_app.extensions["migrate"].directory


def database_heads() -> frozenset[str]:
    with db.engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


@blp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz():
    try:
        in_database = database_heads()
    except SQLAlchemyError as error:
        # The class says what failed (OperationalError...); the message could hold the DSN.
        current_app.logger.warning("readiness: database unreachable (%s)", type(error).__name__)
        return problem(
            503,
            f"the database does not answer ({type(error).__name__})",
            type_=PROBLEM_BASE + "not-ready",
            reason="database_unreachable",
        )
    in_code = code_heads(migrations_directory())
    if in_database != in_code:
        return problem(
            503,
            "the database schema is at revision "
            f"{', '.join(sorted(in_database)) or 'none'}, the code at "
            f"{', '.join(sorted(in_code))}: run `linli db upgrade`",
            type_=PROBLEM_BASE + "not-ready",
            reason="migrations_not_at_head",
        )
    return jsonify(status="ready", revision=", ".join(sorted(in_code)))
