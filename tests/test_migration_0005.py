"""0005_assessment, from the previous head with a case in it: the case has no facts yet,
so it is out of date (the sweep or the first reader works them out: tests/assessment)."""

import sqlalchemy as sa
from alembic import command

from linli.extensions import db
from tests.support import ONE_CASE_ID, insert_one_case, migrated_app, own_apps, upgraded_to


def test_existing_cases_are_out_of_date_until_their_facts_are_worked_out(tmp_path):
    with own_apps():
        app = migrated_app(tmp_path, "0004.sqlite3")
        config = upgraded_to(app, "0004_rating_rules")
        with app.app_context():
            with db.engine.begin() as conn:
                insert_one_case(conn)
                conn.execute(
                    sa.text(
                        "INSERT INTO case_events (case_id, at, action, note, public, data) "
                        f"VALUES ('{ONE_CASE_ID}', '2026-01-01 00:00:00.000000', 'submit', '', 1, "
                        '\'{"clock": {"accept_due_at": "2026-01-02T00:00:00+00:00", '
                        '"resolve_due_at": "2026-01-08T00:00:00+00:00"}}\')'
                    )
                )
            command.upgrade(config, "head")

            with db.engine.connect() as conn:
                stale = conn.execute(
                    sa.text("SELECT id FROM cases WHERE facts_version IS NOT version")
                ).scalars()
                assert [str(i).replace("-", "") for i in stale] == [ONE_CASE_ID]
                assert conn.execute(sa.text("SELECT count(*) FROM assessment_facts")).scalar() == 0
