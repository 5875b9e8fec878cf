"""Open311: client apps' API keys, and the channel they file through

Revision ID: 0006_open311
Revises: 0005_assessment
Create Date: 2026-12-04 03:30:00

open311_keys holds each client app's key (its SHA-256 digest only), the account that files
its cases, the community its reports go to and its rate limit. cases.channel gains
"open311". The channel is a CHECK constraint on both databases (no native enum), so the
constraint is replaced; batch mode rebuilds the table on SQLite (with foreign keys off
while it does, see env.py).
"""

import sqlalchemy as sa
from alembic import op

import linli.db

revision = "0006_open311"
down_revision = "0005_assessment"
branch_labels = None
depends_on = None

OLD_CHANNELS = ("app", "grid_visit", "hotline", "self_org")
CHANNELS = (*OLD_CHANNELS, "open311")
CHANNEL_CHECK = "ck_cases_case_channel"


def _set_channels(channels):
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHANNEL_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(CHANNEL_CHECK), sa.column("channel").in_(channels))


def upgrade():
    _set_channels(CHANNELS)
    op.create_table(
        "open311_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("rate_limit", sa.String(length=60), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", linli.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["users.id"], name=op.f("fk_open311_keys_account_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["orgs.id"], name=op.f("fk_open311_keys_community_id_orgs")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_open311_keys_issued_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_keys")),
        sa.UniqueConstraint("key_digest", name=op.f("uq_open311_keys_key_digest")),
        sa.UniqueConstraint("name", name=op.f("uq_open311_keys_name")),
    )


def downgrade():
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM cases WHERE channel = 'open311'")).scalar():
        raise RuntimeError("cases were filed through Open311: cannot downgrade")
    op.drop_table("open311_keys")
    _set_channels(OLD_CHANNELS)
