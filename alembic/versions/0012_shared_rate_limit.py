"""The per-user write limit shared by every replica: one token bucket per caller in PostgreSQL, so N
replicas allow what one does. UNLOGGED: a bucket lost in a crash only forgives a few writes.

Notifications that could not be delivered while they mattered end as `expired` (temporary failures are
retried until then); `dead` is kept for permanent errors.

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
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check,
    ADD CONSTRAINT notifications_status_check
        CHECK (status IN ('pending', 'sending', 'sent', 'recorded', 'folded', 'dead', 'expired'));
""")


def downgrade() -> None:
    op.execute("""
UPDATE notifications SET status = 'dead' WHERE status = 'expired';
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check,
    ADD CONSTRAINT notifications_status_check
        CHECK (status IN ('pending', 'sending', 'sent', 'recorded', 'folded', 'dead'));
DROP TABLE rate_limits;
""")
