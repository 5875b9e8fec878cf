"""0010_calendar_fields, from the previous head with a case in it: the case stays and has no
extra answers, its category asks no extra questions, and the working calendar is empty."""

import sqlalchemy as sa
from alembic import command

from linli.extensions import db
from tests.support import insert_one_case, migrated_app, own_apps, upgraded_to


def test_categories_and_cases_gain_empty_questions_and_answers(tmp_path):
    with own_apps():
        app = migrated_app(tmp_path, "0009.sqlite3")
        config = upgraded_to(app, "0009_provider_load_index")
        with app.app_context():
            with db.engine.begin() as conn:
                insert_one_case(conn)
            command.upgrade(config, "head")

            with db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT fields FROM categories")).scalar() == "[]"
                assert conn.execute(sa.text("SELECT extra FROM cases")).scalar() == "{}"
                assert conn.execute(sa.text("SELECT count(*) FROM calendar_days")).scalar() == 0
                conn.execute(
                    sa.text(
                        "INSERT INTO calendar_days (day, kind, note, updated_at) "
                        "VALUES ('2027-10-01', 'holiday', '国庆节', '2026-12-04')"
                    )
                )
            command.downgrade(config, "0009_provider_load_index")
            assert "calendar_days" not in sa.inspect(db.engine).get_table_names()
