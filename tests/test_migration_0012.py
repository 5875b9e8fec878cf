"""0012_place, from the previous head with a case in it: the case stays (no position, no
building), cases gain location_accuracy and building_id, and the due order gets its index."""

import sqlalchemy as sa
from alembic import command

from linli.extensions import db
from tests.support import ONE_CASE_ID, insert_one_case, migrated_app, own_apps, upgraded_to


def test_cases_gain_a_place_and_the_due_index(tmp_path):
    with own_apps():
        app = migrated_app(tmp_path, "previous.sqlite3")
        config = upgraded_to(app, "0011_push")
        with app.app_context():
            with db.engine.begin() as conn:
                insert_one_case(conn)
            command.upgrade(config, "head")

            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("cases")}
            assert {"location_accuracy", "building_id"} <= columns
            with db.engine.connect() as conn:
                row = conn.execute(
                    sa.text("SELECT id, location_accuracy, building_id FROM cases")
                ).one()
                ddl = conn.execute(
                    sa.text("SELECT sql FROM sqlite_master WHERE name = 'ix_cases_due'")
                ).scalar()
            assert (row.id, row.location_accuracy, row.building_id) == (ONE_CASE_ID, None, None)
            assert "coalesce(CASE WHEN" in ddl and "accept_due_at" in ddl

            command.downgrade(config, "0011_push")
            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("cases")}
            assert "building_id" not in columns
