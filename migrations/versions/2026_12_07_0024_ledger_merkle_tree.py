"""the ledger as a transparency log (SUP-1): the Merkle tree's perfect subtrees, signed checkpoints,
where the last verification stopped, and the key of the commitments to personal data in leaves

Revision ID: 20261207_0024
Revises: 20261207_0023
Create Date: 2026-12-07 22:00:00.000000
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0024"
down_revision: str | None = "20261207_0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUARDED = ("ledger_tree_nodes", "ledger_checkpoints")
PG_FUNCTION = """
CREATE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "ledger_tree_nodes",
        # level · 2^40 + index
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_ledger_tree_nodes")),
    )
    op.create_index("ix_ledger_tree_nodes_hash", "ledger_tree_nodes", ["hash"], unique=False)
    op.create_table(
        "ledger_checkpoints",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("verifier_key", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_ledger_checkpoints")),
    )
    op.create_table(
        "ledger_verification",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("edge", sa.Text(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_ledger_verification_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_verification")),
    )
    with op.batch_alter_table("ledger_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tree_edge", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("commitment_key", sa.String(length=64), nullable=True))
    # An empty ledger starts with an empty tree; a ledger with entries builds its tree on the
    # next append (or with ``flask ledger tree``).
    op.execute(
        "UPDATE ledger_head SET commitment_key = '" + secrets.token_hex(32) + "',"
        " tree_edge = CASE WHEN seq = 0 THEN '' ELSE NULL END"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in GUARDED:
            op.execute(
                f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()"
            )
    else:
        for table in GUARDED:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table}"
                    f" BEGIN SELECT RAISE(ABORT, '{table} is append-only ({event} refused)'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ledger_append_only()")
    else:
        for table in GUARDED:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    with op.batch_alter_table("ledger_head", schema=None) as batch_op:
        batch_op.drop_column("commitment_key")
        batch_op.drop_column("tree_edge")
    op.drop_table("ledger_verification")
    op.drop_table("ledger_checkpoints")
    op.drop_index("ix_ledger_tree_nodes_hash", table_name="ledger_tree_nodes")
    op.drop_table("ledger_tree_nodes")
