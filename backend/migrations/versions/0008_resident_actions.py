"""the resident's own actions: withdraw a report, add information

Revision ID: 0008_resident_actions
Revises: 0007_console
Create Date: 2026-12-04 03:30:00

case_events gain the kinds "withdraw" (the reporter takes back a report no unit has
accepted: the case closes as withdrawn) and "add_info" (the reporter adds to an open
case); cases gain withdrawn_at. Existing cases were none of them withdrawn. (Signing out
everywhere steps users.token_generation, from 0007_console.)
"""

import sqlalchemy as sa
from alembic import op

import linli.db

revision = "0008_resident_actions"
down_revision = "0007_console"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "submit",
    "support",
    "attach_photo",
    "route",
    "escalate",
    "assign",
    "accept",
    "return",
    "accept_return",
    "refuse_return",
    "coordinate",
    "resolve",
    "reject",
    "reopen",
    "close",
    "appeal",
    "co_task_accept",
    "co_task_complete",
    "co_task_return",
    "supervision_note",
    "review",
)
KINDS = (*OLD_KINDS, "withdraw", "add_info")
KIND_CHECK = "ck_case_events_case_event_kind"


def _set_kinds(kinds):
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(KIND_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(KIND_CHECK), sa.column("action").in_(kinds))


def upgrade():
    _set_kinds(KINDS)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("withdrawn_at", linli.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    bind = op.get_bind()
    used = bind.execute(
        sa.text("SELECT count(*) FROM case_events WHERE action IN ('withdraw', 'add_info')")
    ).scalar()
    if used:
        raise RuntimeError("case_events holds withdrawals or added information: cannot downgrade")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
    _set_kinds(OLD_KINDS)
