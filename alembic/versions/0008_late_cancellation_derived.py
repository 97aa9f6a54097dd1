"""A late cancellation is the percentage the lender is owed; the flag is derived from it, not kept beside it.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE assignments DROP CONSTRAINT assignments_late_cancellation_percent_check;
ALTER TABLE assignments DROP COLUMN late_cancellation;
ALTER TABLE assignments
    ADD COLUMN late_cancellation boolean GENERATED ALWAYS AS (late_cancellation_percent IS NOT NULL) STORED,
    ADD CONSTRAINT assignments_late_cancellation_percent_check
        CHECK (late_cancellation_percent BETWEEN 0 AND 100);
""")


def downgrade() -> None:
    op.execute("""
ALTER TABLE assignments DROP CONSTRAINT assignments_late_cancellation_percent_check;
ALTER TABLE assignments DROP COLUMN late_cancellation;
ALTER TABLE assignments ADD COLUMN late_cancellation boolean NOT NULL DEFAULT false;
UPDATE assignments SET late_cancellation = true WHERE late_cancellation_percent IS NOT NULL;
ALTER TABLE assignments ADD CONSTRAINT assignments_late_cancellation_percent_check
    CHECK ((late_cancellation_percent IS NOT NULL) = late_cancellation
           AND (late_cancellation_percent IS NULL OR late_cancellation_percent BETWEEN 0 AND 100));
""")
