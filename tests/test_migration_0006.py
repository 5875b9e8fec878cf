"""0006_open311, from the previous head with a case in it: the case keeps its channel, the
channel now also takes "open311", and the keys table is there (empty)."""

import pytest
import sqlalchemy as sa
from alembic import command

from linli.extensions import db
from tests.support import ONE_CASE_ID, insert_one_case, migrated_app, own_apps, upgraded_to


def test_existing_cases_keep_their_channel_and_open311_is_now_one(tmp_path):
    with own_apps():
        app = migrated_app(tmp_path, "0005.sqlite3")
        config = upgraded_to(app, "0005_assessment")
        with app.app_context():
            with db.engine.begin() as conn:
                insert_one_case(conn)
                # Rows that refer to the case: the rebuilt table must keep them valid.
                conn.execute(
                    sa.text(
                        "INSERT INTO case_events (case_id, at, action, note, public, data) "
                        f"VALUES ('{ONE_CASE_ID}', '2026-01-01 00:00:00', 'submit', '', 1, '{{}}')"
                    )
                )
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                    conn.execute(sa.text("UPDATE cases SET channel = 'open311'"))
            command.upgrade(config, "head")

            with db.engine.begin() as conn:
                assert conn.execute(sa.text("SELECT id, channel FROM cases")).one() == (
                    ONE_CASE_ID,
                    "app",
                )
                conn.execute(sa.text("UPDATE cases SET channel = 'open311'"))
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                    conn.execute(sa.text("UPDATE cases SET channel = 'fax'"))
                assert conn.execute(sa.text("SELECT count(*) FROM open311_keys")).scalar() == 0
                assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []
                assert conn.execute(sa.text("SELECT case_id FROM case_events")).scalar() == (
                    ONE_CASE_ID
                )

            # Down again only without Open311 cases.
            with pytest.raises(RuntimeError):
                command.downgrade(config, "0005_assessment")
            with db.engine.begin() as conn:
                conn.execute(sa.text("UPDATE cases SET channel = 'hotline'"))
            command.downgrade(config, "0005_assessment")
            with db.engine.connect() as conn:
                assert "open311_keys" not in sa.inspect(conn).get_table_names()
