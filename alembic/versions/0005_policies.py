"""Policies: the late-cancellation percentage per organisation (kept on each late-cancelled assignment, so
a later change of policy never rewrites what was owed), and an audit trail for region and organisation
settings.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE organisations
    ADD COLUMN late_cancellation_percent integer NOT NULL DEFAULT 50,
    ADD CONSTRAINT organisations_late_cancellation_percent_check CHECK (late_cancellation_percent BETWEEN 0 AND 100),
    ADD CONSTRAINT organisations_windows_max_check CHECK (late_cancel_window_minutes <= 20160
                                                            AND worker_cancel_window_minutes <= 20160);

ALTER TABLE assignments ADD COLUMN late_cancellation_percent integer;
UPDATE assignments SET late_cancellation_percent = 50 WHERE late_cancellation;
ALTER TABLE assignments ADD CONSTRAINT assignments_late_cancellation_percent_check
    CHECK ((late_cancellation_percent IS NOT NULL) = late_cancellation
           AND (late_cancellation_percent IS NULL OR late_cancellation_percent BETWEEN 0 AND 100));

ALTER TABLE audit_events
    ALTER COLUMN organisation_id DROP NOT NULL,
    ADD COLUMN region_id uuid CONSTRAINT audit_events_region_fk REFERENCES regions (id),
    DROP CONSTRAINT audit_events_subject_check,
    ADD CONSTRAINT audit_events_subject_check
        CHECK (subject_type IN ('shift', 'application', 'assignment', 'region', 'organisation')),
    ADD CONSTRAINT audit_events_scope_check CHECK (organisation_id IS NOT NULL OR region_id IS NOT NULL);
CREATE INDEX audit_events_region_idx ON audit_events (region_id, id) WHERE region_id IS NOT NULL;
""")


def downgrade() -> None:
    op.execute("""
DROP INDEX audit_events_region_idx;
DELETE FROM audit_events WHERE organisation_id IS NULL OR subject_type IN ('region', 'organisation');
ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_scope_check,
    DROP CONSTRAINT audit_events_subject_check,
    ADD CONSTRAINT audit_events_subject_check CHECK (subject_type IN ('shift', 'application', 'assignment')),
    DROP COLUMN region_id,
    ALTER COLUMN organisation_id SET NOT NULL;
ALTER TABLE assignments DROP CONSTRAINT assignments_late_cancellation_percent_check,
    DROP COLUMN late_cancellation_percent;
ALTER TABLE organisations DROP CONSTRAINT organisations_windows_max_check,
    DROP CONSTRAINT organisations_late_cancellation_percent_check, DROP COLUMN late_cancellation_percent;
""")
