"""The Alembic migrations build exactly the schema the models describe."""

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SAWarning

from linli.extensions import db


def test_models_match_the_migrated_schema(app):
    # The session fixture built the schema with `upgrade()`; autogenerate must find nothing to add.
    # The expression index ix_cases_due: SQLite cannot reflect it, PostgreSQL gives it back in
    # its own spelling; test_due_index checks on both that the due order reads it.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression", SAWarning)
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})
        diffs = compare_metadata(context, db.metadata)
    assert [d for d in diffs if not _about_the_due_index(d)] == []


def _about_the_due_index(diff) -> bool:
    return diff[0] in ("add_index", "remove_index") and diff[1].name == "ix_cases_due"


def test_database_is_at_the_single_head_revision(app):
    config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    context = MigrationContext.configure(db.session.connection())

    assert len(script.get_heads()) == 1
    assert set(context.get_current_heads()) == set(script.get_heads())
