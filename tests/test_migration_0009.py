"""0009_provider_load_index, from the previous head with a case in it: the case stays, and
a unit's cases are indexed by (provider_id, state) instead of provider_id alone."""

import sqlalchemy as sa
from alembic import command

from linli.extensions import db
from tests.support import insert_one_case, migrated_app, own_apps, upgraded_to


def test_the_provider_index_gains_the_state(tmp_path):
    with own_apps():
        app = migrated_app(tmp_path, "0008.sqlite3")
        config = upgraded_to(app, "0008_resident_actions")
        with app.app_context():
            with db.engine.begin() as conn:
                insert_one_case(conn)
            command.upgrade(config, "0009_provider_load_index")

            indexes = {
                i["name"]: i["column_names"] for i in sa.inspect(db.engine).get_indexes("cases")
            }
            assert indexes["ix_cases_provider_id_state"] == ["provider_id", "state"]
            assert "ix_cases_provider_id" not in indexes
            with db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM cases")).scalar() == 1
