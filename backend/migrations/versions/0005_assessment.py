"""the assessment: each case's facts, and published months

Revision ID: 0005_assessment
Revises: 0004_rating_rules
Create Date: 2026-12-03 10:00:00

assessment_facts holds what each case contributes to the assessment (worked out from its
events and ratings); cases.facts_version says which version of the case they were worked
out at. Existing cases start with none (facts_version empty): the sweep and the first
reads of the assessment work them out. An officer publishes a month of their area:
assessment_publications keeps its tables as they stood.
"""

import sqlalchemy as sa
from alembic import op

import linli.db

revision = "0005_assessment"
down_revision = "0004_rating_rules"
branch_labels = None
depends_on = None

# What the assessment's tables group by and count (linli.assessment.models at this revision).
KEYS = (
    "case_id",
    "provider_id",
    "org_id",
    "community_id",
    "street_id",
    "district_id",
    "category_id",
)
COUNTED = ("kind", "on_time", "resolved", "satisfied", "recorded", "hours")


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
    op.create_table(
        "assessment_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("until", linli.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("satisfied", sa.Boolean(), nullable=False),
        sa.Column("recorded", sa.Boolean(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_assessment_facts_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_facts")),
    )
    with op.batch_alter_table("assessment_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_facts_settled_at",
            ["at"],
            unique=False,
            postgresql_where=sa.text("kind NOT IN ('held', 'open')"),
            sqlite_where=sa.text("kind NOT IN ('held', 'open')"),
            postgresql_include=[
                *KEYS,
                "kind",
                "on_time",
                "resolved",
                "satisfied",
                "recorded",
                "hours",
            ],
        )
        batch_op.create_index(
            "ix_assessment_facts_late",
            ["at"],
            unique=False,
            postgresql_where=sa.text("NOT on_time AND kind IN ('acceptance', 'resolution')"),
            sqlite_where=sa.text("NOT on_time AND kind IN ('acceptance', 'resolution')"),
        )
        batch_op.create_index(
            "ix_assessment_facts_span_until",
            ["kind", "until"],
            unique=False,
            postgresql_where=sa.text("kind IN ('held', 'open')"),
            sqlite_where=sa.text("kind IN ('held', 'open')"),
            postgresql_include=[*KEYS, "at"],
        )
        batch_op.create_index(batch_op.f("ix_assessment_facts_case_id"), ["case_id"], unique=False)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facts_version", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_cases_org_id_created_at",
            ["org_id", "created_at"],
            unique=False,
            postgresql_include=["category_id"],
        )
        batch_op.create_index(
            "ix_cases_facts_stale",
            ["created_at"],
            unique=False,
            postgresql_where=sa.text("facts_version IS DISTINCT FROM version"),
            sqlite_where=sa.text("facts_version IS NOT version"),
        )


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_facts_stale")
        batch_op.drop_index("ix_cases_org_id_created_at")
        batch_op.drop_column("facts_version")
    with op.batch_alter_table("assessment_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_facts_case_id"))
        batch_op.drop_index("ix_assessment_facts_span_until")
        batch_op.drop_index("ix_assessment_facts_late")
        batch_op.drop_index("ix_assessment_facts_settled_at")
    op.drop_table("assessment_facts")
    op.drop_table("assessment_publications")
