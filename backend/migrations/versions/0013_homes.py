"""the audit log records removals: an unused building, household or responsibility line

Revision ID: 0013_homes
Revises: 0012_place
Create Date: 2026-12-04 19:00:00

audit_records.action gains "delete": the console removes a building or household that no
case or visit names, and a line of the responsibility list; the record keeps what it was.
("delete" is as long as "create": the column's width stays.)
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_homes"
down_revision = "0012_place"
branch_labels = None
depends_on = None

OLD_ACTIONS = ("create", "update")
ACTIONS = (*OLD_ACTIONS, "delete")
ACTION_CHECK = "ck_audit_records_audit_action"


def _set_actions(actions):
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(ACTION_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(ACTION_CHECK), sa.column("action").in_(actions))


def upgrade():
    _set_actions(ACTIONS)


def downgrade():
    used = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM audit_records WHERE action = 'delete'"))
        .scalar()
    )
    if used:
        raise RuntimeError("audit_records holds removals: cannot downgrade")
    _set_actions(OLD_ACTIONS)
