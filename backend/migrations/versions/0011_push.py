"""notifications that reach people: Web Push subscriptions and a delivery state that retries

Revision ID: 0011_push
Revises: 0010_calendar_fields
Create Date: 2026-12-04 19:00:00

push_subscriptions holds each browser's Web Push subscription. notifications gain
delivery_attempts and delivery_due_at (a pending row is claimed for a lease, so two
deliverers never send it twice, and retried after a back-off), and the kinds "accepted",
"rate_requested" (to the resident), "withdrawn" and "info_added" (to the unit handling the
case). Existing rows were delivered in the inbox only: they stay not_required.
"""

import sqlalchemy as sa
from alembic import op

import linli.db

revision = "0011_push"
down_revision = "0010_calendar_fields"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "assigned",
    "co_task",
    "returned",
    "escalated",
    "resolved",
    "review_requested",
    "supervision_note",
)
NEW_KINDS = ("accepted", "rate_requested", "withdrawn", "info_added")
KIND_CHECK = "ck_notifications_notification_kind"


def _set_kinds(kinds):
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(KIND_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(KIND_CHECK), sa.column("kind").in_(kinds))


def upgrade():
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=1000), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_push_subscriptions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscriptions_endpoint")),
    )
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_push_subscriptions_user_id"), ["user_id"], unique=False
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("delivery_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("delivery_due_at", linli.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_notifications_delivery_state_due",
            ["delivery_state", "delivery_due_at"],
            unique=False,
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("delivery_attempts", server_default=None)
    _set_kinds(OLD_KINDS + NEW_KINDS)


def downgrade():
    bind = op.get_bind()
    used = bind.execute(
        sa.text(
            "SELECT count(*) FROM notifications WHERE kind IN "
            "('accepted', 'rate_requested', 'withdrawn', 'info_added')"
        )
    ).scalar()
    if used:
        raise RuntimeError("notifications holds kinds 0011_push added: cannot downgrade")
    _set_kinds(OLD_KINDS)
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_delivery_state_due")
        batch_op.drop_column("delivery_due_at")
        batch_op.drop_column("delivery_attempts")
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscriptions_user_id"))
    op.drop_table("push_subscriptions")
