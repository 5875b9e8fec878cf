"""the rating rules: appeals, ratings recorded by grid workers

Revision ID: 0004_rating_rules
Revises: 0003_event_log_and_audit
Create Date: 2026-12-03 09:30:00

case_events.action gains "appeal"; cases gain appealed_at (a reporter appeals once);
ratings say who entered them and by which channel (app, or a grid worker's phone call or
visit), and rater_id may be empty (a resident without an account, rated by phone).
Existing ratings were all entered in the app by their rater.
"""

import sqlalchemy as sa
from alembic import op

import linli.db

revision = "0004_rating_rules"
down_revision = "0003_event_log_and_audit"
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
    "co_task_accept",
    "co_task_complete",
    "co_task_return",
    "supervision_note",
    "review",
)
KINDS = (*OLD_KINDS, "appeal")
CHANNELS = ("app", "phone", "visit")
KIND_CHECK = "ck_case_events_case_event_kind"


def _set_kinds(kinds):
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(KIND_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(KIND_CHECK), sa.column("action").in_(kinds))


def upgrade():
    _set_kinds(KINDS)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("appealed_at", linli.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("channel", sa.String(length=5), nullable=False, server_default="app")
        )
    op.execute("UPDATE ratings SET recorded_by_id = rater_id")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.alter_column("rater_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("recorded_by_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("channel", existing_type=sa.String(length=5), server_default=None)
        batch_op.create_check_constraint(
            op.f("ck_ratings_rating_channel"), sa.column("channel").in_(CHANNELS)
        )
        batch_op.create_foreign_key(
            op.f("fk_ratings_recorded_by_id_users"), "users", ["recorded_by_id"], ["id"]
        )


def downgrade():
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM ratings WHERE rater_id IS NULL")).scalar():
        raise RuntimeError("ratings recorded for residents without an account: cannot downgrade")
    if bind.execute(sa.text("SELECT count(*) FROM case_events WHERE action = 'appeal'")).scalar():
        raise RuntimeError("case_events holds appeals: cannot downgrade")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_ratings_recorded_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_ratings_rating_channel"), type_="check")
        batch_op.drop_column("channel")
        batch_op.drop_column("recorded_by_id")
        batch_op.alter_column("rater_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("appealed_at")
    _set_kinds(OLD_KINDS)
