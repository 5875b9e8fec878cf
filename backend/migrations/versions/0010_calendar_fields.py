"""a category's extra questions, a case's answers, the working calendar in the database

Revision ID: 0010_calendar_fields
Revises: 0009_provider_load_index
Create Date: 2026-12-04 19:00:00

categories gain `fields` (the extra questions the report form asks; existing categories
ask none), cases gain `extra` (the answers; existing cases have none), and calendar_days
holds the holidays and make-up working days that LINLI_WORKING_CALENDAR's JSON file held
(the file still works, and can be imported: `linli escalation calendar-import`).
"""

import sqlalchemy as sa
from alembic import op

import linli.db

revision = "0010_calendar_fields"
down_revision = "0009_provider_load_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fields", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("extra", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "holiday",
                "workday",
                name="calendar_day_kind",
                native_enum=False,
                create_constraint=True,
                length=7,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=60), nullable=False),
        sa.Column("updated_at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )


def downgrade():
    op.drop_table("calendar_days")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("extra")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("fields")
