"""0004_rating_rules, from the previous head with a rating in it: the rating keeps its rater
as the one who entered it, in the app; appeals and recorded ratings fit the new schema."""

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError

from linli.extensions import db
from tests.support import ONE_CASE_ID, insert_one_case, migrated_app, own_apps, upgraded_to


@pytest.fixture
def upgraded(tmp_path):
    with own_apps():
        app = migrated_app(tmp_path, "0003.sqlite3")
        config = upgraded_to(app, "0003_event_log_and_audit")
        with app.app_context(), db.engine.begin() as conn:
            insert_one_case(conn)
            conn.execute(
                sa.text(
                    "INSERT INTO ratings (case_id, cycle, rater_id, resolved, stars, comment, "
                    f"created_at) VALUES ('{ONE_CASE_ID}', 1, 1, 1, 4, '好', '2026-01-02')"
                )
            )
        with app.app_context():
            command.upgrade(config, "head")
            yield app


def test_existing_ratings_were_entered_in_the_app_by_their_rater(upgraded):
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT rater_id, recorded_by_id, channel, stars FROM ratings")
        ).one()

    assert tuple(row) == (1, 1, "app", 4)


def test_after_the_upgrade_appeals_and_recorded_ratings_fit(upgraded):
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO case_events (case_id, at, action, note, public, data) VALUES "
                f"('{ONE_CASE_ID}', '2026-01-03', 'appeal', '不满意', 1, '{{}}')"
            )
        )
        conn.execute(sa.text("UPDATE cases SET appealed_at = '2026-01-03'"))
        conn.execute(
            sa.text(
                "INSERT INTO ratings (case_id, cycle, rater_id, recorded_by_id, channel, "
                "resolved, stars, comment, created_at) "
                f"VALUES ('{ONE_CASE_ID}', 2, NULL, 1, 'phone', 1, 5, '', '2026-01-04')"
            )
        )
    with db.engine.begin() as conn, pytest.raises(IntegrityError):
        conn.execute(sa.text("UPDATE ratings SET channel = 'fax'"))
    with db.engine.begin() as conn, pytest.raises(IntegrityError):
        conn.execute(sa.text("UPDATE case_events SET action = 'teleport'"))
    with db.engine.begin() as conn, pytest.raises(IntegrityError):
        conn.execute(sa.text("UPDATE ratings SET recorded_by_id = NULL"))
