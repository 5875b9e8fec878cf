"""0011_push, from the previous head with a notification in it: the row stays delivered in
the inbox only, the new kinds are allowed, and push subscriptions have a table."""

import sqlalchemy as sa
from alembic import command

from linli.extensions import db
from tests.support import ONE_CASE_ID, insert_one_case, migrated_app, own_apps, upgraded_to


def test_notifications_gain_a_retrying_delivery_and_new_kinds(tmp_path):
    with own_apps():
        app = migrated_app(tmp_path, "previous.sqlite3")
        config = upgraded_to(app, "0010_calendar_fields")
        with app.app_context():
            with db.engine.begin() as conn:
                insert_one_case(conn)
                conn.execute(
                    sa.text(
                        "INSERT INTO notifications (user_id, kind, case_id, data, created_at, "
                        "delivery_state, delivery_channel) VALUES (1, 'resolved', :case, '{}', "
                        "'2026-01-01', 'not_required', '')"
                    ),
                    {"case": ONE_CASE_ID},
                )
            command.upgrade(config, "head")

            with db.engine.begin() as conn:
                row = conn.execute(
                    sa.text(
                        "SELECT delivery_state, delivery_attempts, delivery_due_at "
                        "FROM notifications"
                    )
                ).one()
                assert tuple(row) == ("not_required", 0, None)
                conn.execute(
                    sa.text(
                        "INSERT INTO notifications (user_id, kind, data, created_at, "
                        "delivery_state, delivery_channel, delivery_attempts) "
                        "VALUES (1, 'accepted', '{}', '2026-01-02', 'pending', '', 0)"
                    )
                )
            assert "push_subscriptions" in sa.inspect(db.engine).get_table_names()
