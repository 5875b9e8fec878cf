"""published months of the assessment

Revision ID: 0005_assessment_publications
Revises: 0004_rating_rules
Create Date: 2026-12-03 10:00:00

An officer publishes a month of their area: its tables are kept as they stood, so the
official ranking does not move when late events arrive.
"""

import sqlalchemy as sa
from alembic import op

import linli.db

revision = "0005_assessment_publications"
down_revision = "0004_rating_rules"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assessment_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=False),
        sa.Column("published_at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tables", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_assessment_publications_org_id_orgs")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_assessment_publications_published_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_publications")),
        sa.UniqueConstraint("period", "org_id", name=op.f("uq_assessment_publications_period")),
    )


def downgrade():
    op.drop_table("assessment_publications")
