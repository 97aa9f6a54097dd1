"""The request that created a booking or a shift: a retry with the same Idempotency-Key after any failure
(the answer lost to a restart, a 503 after the commit) finds the committed result instead of doing it again
or refusing it as "already booked".

Revision ID: 0013
Revises: 0012
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE assignments ADD COLUMN request_key text,
    ADD CONSTRAINT assignments_request_key_length CHECK (length(request_key) BETWEEN 1 AND 255);
CREATE INDEX assignments_request_key_idx ON assignments (booked_by, request_key) WHERE request_key IS NOT NULL;
ALTER TABLE shifts ADD COLUMN request_key text,
    ADD CONSTRAINT shifts_request_key_length CHECK (length(request_key) BETWEEN 1 AND 255);
CREATE INDEX shifts_request_key_idx ON shifts (created_by, request_key) WHERE request_key IS NOT NULL;
""")


def downgrade() -> None:
    op.execute("""
DROP INDEX shifts_request_key_idx;
ALTER TABLE shifts DROP COLUMN request_key;
DROP INDEX assignments_request_key_idx;
ALTER TABLE assignments DROP COLUMN request_key;
""")
