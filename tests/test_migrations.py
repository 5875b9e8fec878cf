"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from linli.extensions import db


def test_models_match_the_migrated_schema(app):
    # The session fixture built the schema with `upgrade()`; autogenerate must find nothing to add.
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})

    assert compare_metadata(context, db.metadata) == []


def test_database_is_at_the_single_head_revision(app):
    config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    context = MigrationContext.configure(db.session.connection())

    assert len(script.get_heads()) == 1
    assert set(context.get_current_heads()) == set(script.get_heads())
