"""0008_resident_actions, from the previous head with a case in it: the case and its events
keep their states, and a withdrawal and added information can be written afterwards."""

import sqlalchemy as sa
from alembic import command

from linli.extensions import db
from tests.support import ONE_CASE_ID, insert_one_case, migrated_app, own_apps, upgraded_to

EVENT = (
    "INSERT INTO case_events (case_id, at, action, from_state, to_state, note, public, data) "
    "VALUES ('{case}', '2026-01-02 00:00:00.000000', '{action}', {from_}, {to}, '', 1, '{{}}')"
)


def test_a_case_can_be_withdrawn_and_added_to_after_the_upgrade(tmp_path):
    with own_apps():
        app = migrated_app(tmp_path, "0007.sqlite3")
        config = upgraded_to(app, "0007_console")
        with app.app_context():
            with db.engine.begin() as conn:
                insert_one_case(conn)
                conn.execute(
                    sa.text(
                        EVENT.format(
                            case=ONE_CASE_ID, action="submit", from_="NULL", to="'submitted'"
                        )
                    )
                )
            command.upgrade(config, "head")

            with db.engine.begin() as conn:
                assert conn.execute(sa.text("SELECT state FROM cases")).scalar() == "submitted"
                conn.execute(
                    sa.text(
                        EVENT.format(case=ONE_CASE_ID, action="add_info", from_="NULL", to="NULL")
                    )
                )
                conn.execute(
                    sa.text(
                        EVENT.format(
                            case=ONE_CASE_ID,
                            action="withdraw",
                            from_="'submitted'",
                            to="'closed'",
                        )
                    )
                )
                conn.execute(
                    sa.text("UPDATE cases SET state = 'closed', withdrawn_at = '2026-01-02'")
                )
                kinds = conn.execute(
                    sa.text("SELECT action FROM case_events ORDER BY id")
                ).scalars()
                assert list(kinds) == ["submit", "add_info", "withdraw"]
            with db.engine.begin() as conn:
                try:
                    conn.execute(
                        sa.text(
                            EVENT.format(case=ONE_CASE_ID, action="vanish", from_="NULL", to="NULL")
                        )
                    )
                except sa.exc.IntegrityError:
                    pass
                else:
                    raise AssertionError("an unknown event kind was stored")
