"""a unit's open cases from one index: routing counts them on every report

Revision ID: 0009_provider_load_index
Revises: 0008_resident_actions
Create Date: 2026-12-04 04:45:00

ix_cases_provider_id (provider_id) becomes ix_cases_provider_id_state (provider_id, state):
the count of a unit's assigned, in-progress and returned cases, which routing weighs on
every report, reads only those index entries instead of every case the unit ever had (a
city-wide unit holds hundreds of thousands); the unit's queue uses the leading column.
"""

from alembic import op

revision = "0009_provider_load_index"
down_revision = "0008_resident_actions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_provider_id_state", ["provider_id", "state"], unique=False)
        batch_op.drop_index("ix_cases_provider_id")


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_provider_id", ["provider_id"], unique=False)
        batch_op.drop_index("ix_cases_provider_id_state")
