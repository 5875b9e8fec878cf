"""the event log gets an owner: event kinds as a CHECK, append-only events, an audit log

Revision ID: 0003_event_log_and_audit
Revises: 0002_auth_hardening
Create Date: 2026-12-02 16:30:00

case_events.action becomes one of the event kinds (a CHECK constraint; an unknown value
already in the table stops the upgrade and names it). audit_records is new. On
PostgreSQL a trigger refuses UPDATE and DELETE on both tables (TRUNCATE, for a restore
or a test reset, stays possible to the table's owner).
"""

import sqlalchemy as sa
from alembic import op

import linli.db

revision = "0003_event_log_and_audit"
down_revision = "0002_auth_hardening"
branch_labels = None
depends_on = None

# The event kinds at this revision (linli.cases.models.EventKind).
KINDS = (
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
APPEND_ONLY = ("case_events", "audit_records")


def _kind_type():
    return sa.Enum(
        *KINDS,
        name="case_event_kind",
        native_enum=False,
        create_constraint=True,
        length=max(map(len, KINDS)),
    )


def upgrade():
    bind = op.get_bind()
    found = set(bind.execute(sa.text("SELECT DISTINCT action FROM case_events")).scalars())
    if found - set(KINDS):
        raise RuntimeError(f"case_events holds unknown actions: {sorted(found - set(KINDS))}")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.alter_column(
            "action",
            existing_type=sa.String(length=40),
            type_=_kind_type(),
            existing_nullable=False,
        )

    op.create_table(
        "audit_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", linli.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                "create", "update", name="audit_action", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_records_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_records")),
    )
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.create_index("ix_audit_records_object", ["object_type", "object_id"], unique=False)

    if bind.dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION linli_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'restrict_violation';
            END $$""")
        for table in APPEND_ONLY:
            op.execute(f"""
                CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION linli_append_only()""")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION linli_append_only()")
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_records_object")
    op.drop_table("audit_records")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.alter_column(
            "action",
            existing_type=_kind_type(),
            type_=sa.String(length=40),
            existing_nullable=False,
        )
