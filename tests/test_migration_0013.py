"""0013_homes, from the previous head with an audit record in it: the record stays, and the
log takes removals ("delete") from then on; any other action is still refused."""

import pytest
import sqlalchemy as sa
from alembic import command

from linli.extensions import db
from tests.support import migrated_app, own_apps, upgraded_to

INSERT = (
    "INSERT INTO audit_records (at, action, object_type, object_id, changes) "
    "VALUES ('2026-12-04 10:00:00', :action, 'building', '1', '{}')"
)


def test_the_audit_log_takes_removals(tmp_path):
    with own_apps():
        app = migrated_app(tmp_path, "previous.sqlite3")
        config = upgraded_to(app, "0012_place")
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(sa.text(INSERT), {"action": "update"})
            command.upgrade(config, "0013_homes")

            with db.engine.begin() as conn:
                conn.execute(sa.text(INSERT), {"action": "delete"})
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
                conn.execute(sa.text(INSERT), {"action": "erase"})
            with db.engine.connect() as conn:
                actions = conn.execute(sa.text("SELECT action FROM audit_records ORDER BY id"))
                assert actions.scalars().all() == ["update", "delete"]
