"""The per-user write limit shared by every replica: one token bucket per caller in PostgreSQL, so N
replicas allow what one does. UNLOGGED: a bucket lost in a crash only forgives a few writes.

Revision ID: 0012
Revises: 0011
"""
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE UNLOGGED TABLE rate_limits (
    subject     text PRIMARY KEY,
    tokens      double precision NOT NULL,
    updated_at  timestamptz NOT NULL
);
""")


def downgrade() -> None:
    op.execute("DROP TABLE rate_limits;")
