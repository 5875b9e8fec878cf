"""auth hardening: ended sessions (token families), rate-limit counters, registration codes

Revision ID: 0002_auth_hardening
Revises: 0001_initial
Create Date: 2026-12-01 09:00:00

New tables only; existing tables are untouched.
"""

import sqlalchemy as sa
from alembic import op

import linli.db

# revision identifiers, used by Alembic.
revision = "0002_auth_hardening"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "revoked_token_families",
        sa.Column("family", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(
                "logout", "reuse", name="session_end", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("expires_at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_revoked_token_families_user_id_users")
        ),
        sa.PrimaryKeyConstraint("family", name=op.f("pk_revoked_token_families")),
    )
    with op.batch_alter_table("revoked_token_families", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_revoked_token_families_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_revoked_token_families_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "rate_limit_counters",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counters")),
    )
    with op.batch_alter_table("rate_limit_counters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_limit_counters_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "verification_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_digest", sa.String(length=64), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", linli.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_codes")),
    )
    with op.batch_alter_table("verification_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_verification_codes_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_verification_codes_phone_digest"), ["phone_digest"], unique=False
        )


def downgrade():
    with op.batch_alter_table("verification_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_codes_phone_digest"))
        batch_op.drop_index(batch_op.f("ix_verification_codes_expires_at"))

    op.drop_table("verification_codes")
    with op.batch_alter_table("rate_limit_counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_counters_expires_at"))

    op.drop_table("rate_limit_counters")
    with op.batch_alter_table("revoked_token_families", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revoked_token_families_user_id"))
        batch_op.drop_index(batch_op.f("ix_revoked_token_families_expires_at"))

    op.drop_table("revoked_token_families")
