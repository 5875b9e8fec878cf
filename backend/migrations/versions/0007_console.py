"""the operations console: scoped audit records, deactivated orgs, password resets

Revision ID: 0007_console
Revises: 0006_open311
Create Date: 2026-12-04 03:00:00

audit_records.org_id is the org an audited object belongs to, so that an admin reads the
log of their subtree; records written before it have none, and only city admins read them
(as they read the city-wide settings' records). orgs.active takes a node out of service
(existing orgs are active). users.must_change_password follows a password reset,
users.password_set_at says when the password was last set (existing accounts: unknown),
and users.token_generation is carried in every token, so that bumping it refuses every
token issued before (existing tokens carry none, read as 0, and stay valid).
responsibilities (and their co-units) are the responsibility list (责任清单), empty.
"""

import sqlalchemy as sa
from alembic import op

import linli.db

revision = "0007_console"
down_revision = "0006_open311"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "responsibilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("lead_provider_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_responsibilities_category_id_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_provider_id"],
            ["providers.id"],
            name=op.f("fk_responsibilities_lead_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_responsibilities_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responsibilities")),
        sa.UniqueConstraint("category_id", "org_id", name=op.f("uq_responsibilities_category_id")),
    )
    with op.batch_alter_table("responsibilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_responsibilities_org_id"), ["org_id"], unique=False)
    op.create_table(
        "responsibility_co_units",
        sa.Column("responsibility_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_responsibility_co_units_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["responsibility_id"],
            ["responsibilities.id"],
            name=op.f("fk_responsibility_co_units_responsibility_id_responsibilities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "responsibility_id", "provider_id", name=op.f("pk_responsibility_co_units")
        ),
    )
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_records_org_id"), ["org_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_records_org_id_orgs"), "orgs", ["org_id"], ["id"]
        )
    # Plain ALTER TABLE ... ADD COLUMN (batch mode would copy orgs and users on SQLite,
    # which other tables' foreign keys refuse once there are rows).
    op.add_column(
        "orgs", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "users", sa.Column("password_set_at", linli.db.UTCDateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "users", sa.Column("token_generation", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade():
    op.drop_table("responsibility_co_units")
    op.drop_table("responsibilities")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("token_generation")
        batch_op.drop_column("password_set_at")
        batch_op.drop_column("must_change_password")
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.drop_column("active")
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_records_org_id_orgs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audit_records_org_id"))
        batch_op.drop_column("org_id")
