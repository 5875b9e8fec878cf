"""where a case is: the phone's accuracy, the building of the org tree; the due order's index

Revision ID: 0012_place
Revises: 0011_push
Create Date: 2026-12-04 19:00:00

A case gains location_accuracy (metres, with lat/lon) and building_id (a grid's building,
picked on the report). ix_cases_due is on the "due soonest" order of case lists
(models.CASE_DUE_AT, then id), written out as the models render it on each database: a
database uses an expression index only for the very same expression.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_place"
down_revision = "0011_push"
branch_labels = None
depends_on = None


OPEN = "state IN ('submitted', 'assigned', 'in_progress', 'returned')"
# NO_DEADLINE as each dialect writes the UTC type's literal (SQLite keeps naive UTC text).
NO_DEADLINE = {
    "postgresql": "'9999-12-31 00:00:00+00:00'",
    "sqlite": "'9999-12-31 00:00:00.000000'",
}


def _due_at(dialect: str) -> sa.TextClause:
    return sa.text(
        f"coalesce(CASE WHEN ({OPEN} AND accepted_at IS NULL AND accept_due_at IS NOT NULL) "
        f"THEN accept_due_at WHEN ({OPEN}) THEN resolve_due_at END, {NO_DEADLINE[dialect]})"
    )


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location_accuracy", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("building_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_cases_building_id_buildings", "buildings", ["building_id"], ["id"]
        )
    op.create_index("ix_cases_due", "cases", [_due_at(op.get_bind().dialect.name), "id"])


def downgrade():
    op.drop_index("ix_cases_due", table_name="cases")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("fk_cases_building_id_buildings", type_="foreignkey")
        batch_op.drop_column("building_id")
        batch_op.drop_column("location_accuracy")
