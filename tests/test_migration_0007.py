"""0007_console, from the previous head with an account, an org and an audit record in it:
the org is active, the account needs no password change and its tokens (generation 0) stay
valid, and the old record belongs to no org (city admins read it)."""

import sqlalchemy as sa
from alembic import command

from linli.extensions import db
from tests.support import insert_one_case, migrated_app, own_apps, upgraded_to


def test_existing_rows_keep_working_after_the_console_revision(tmp_path):
    with own_apps():
        app = migrated_app(tmp_path, "0006.sqlite3")
        config = upgraded_to(app, "0006_open311")
        with app.app_context():
            with db.engine.begin() as conn:
                insert_one_case(conn)
                conn.execute(
                    sa.text(
                        "INSERT INTO audit_records (at, actor_id, action, object_type, "
                        "object_id, changes) VALUES ('2026-01-01 00:00:00.000000', 1, "
                        "'update', 'user', '1', '{\"active\": [true, false]}')"
                    )
                )
            command.upgrade(config, "head")

            with db.engine.connect() as conn:
                user = conn.execute(
                    sa.text(
                        "SELECT must_change_password, password_set_at, token_generation FROM users"
                    )
                ).one()
                assert tuple(user) == (False, None, 0)
                assert conn.execute(sa.text("SELECT active FROM orgs")).scalar() == 1
                assert conn.execute(sa.text("SELECT org_id FROM audit_records")).one() == (None,)
