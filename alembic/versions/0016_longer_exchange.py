"""Longer exchange (CONTRACT.md v1.1): series of shifts taken as a whole, secondments (detachering) with their
roster blocks and statement lines, and students (stagepool, BBL) with the shifts that welcome them.

- A series groups shifts of one organisation; its shifts carry `series_id`. Booking all of them or none is
  one transaction under the worker's and every shift's lock, so the fill trigger and the exclusion
  constraint of single bookings guard series bookings too.
- A secondment's roster blocks live in `roster_blocks` with the secondment's id, so every working-time check
  and the roster's own exclusion constraint (no two blocks of a worker overlap) count them like home roster
  blocks; the home employer's roster replaces only its own blocks (`secondment_id IS NULL`).
- Statement lines of kind `secondment` name the roster block they settle.

Revision ID: 0016
Revises: 0015
"""
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE workers
    ADD COLUMN student_school text,
    ADD COLUMN student_level text,
    ADD COLUMN student_supervisor_function text,
    ADD CONSTRAINT workers_student_complete CHECK (
        (student_school IS NULL) = (student_level IS NULL)
        AND (student_school IS NULL) = (student_supervisor_function IS NULL));
CREATE INDEX workers_students_idx ON workers (region_id) WHERE student_school IS NOT NULL;

CREATE TABLE series (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_id        uuid NOT NULL,
    organisation_id  uuid NOT NULL,
    booking          text NOT NULL DEFAULT 'instant',
    created_by       uuid CONSTRAINT series_created_by_fk REFERENCES users (id),
    created_at       timestamptz NOT NULL,
    request_key      text,
    CONSTRAINT series_organisation_fk FOREIGN KEY (organisation_id, region_id)
        REFERENCES organisations (id, region_id),
    CONSTRAINT series_booking_check CHECK (booking IN ('instant', 'approval'))
);
CREATE INDEX series_organisation_idx ON series (organisation_id, created_at);
CREATE UNIQUE INDEX series_request_key ON series (created_by, request_key) WHERE request_key IS NOT NULL;

ALTER TABLE shifts
    ADD COLUMN series_id uuid CONSTRAINT shifts_series_fk REFERENCES series (id),
    ADD COLUMN students_welcome boolean NOT NULL DEFAULT false,
    ADD COLUMN supervisor_function text,
    ADD CONSTRAINT shifts_supervisor_check CHECK (NOT students_welcome OR supervisor_function IS NOT NULL);
CREATE INDEX shifts_series_idx ON shifts (series_id, starts_at) WHERE series_id IS NOT NULL;

ALTER TABLE applications ADD COLUMN series_id uuid CONSTRAINT applications_series_fk REFERENCES series (id);

CREATE TABLE secondments (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_id          uuid NOT NULL CONSTRAINT secondments_region_fk REFERENCES regions (id),
    worker_id          uuid NOT NULL CONSTRAINT secondments_worker_fk REFERENCES workers (id),
    -- the lender is the worker's home employer, which keeps paying the salary; the borrower reimburses it
    lender_id          uuid NOT NULL CONSTRAINT secondments_lender_fk REFERENCES organisations (id),
    borrower_id        uuid NOT NULL CONSTRAINT secondments_borrower_fk REFERENCES organisations (id),
    -- where the worker works, in which function, on which days (both included), and how long a week at most
    site_id            uuid NOT NULL CONSTRAINT secondments_site_fk REFERENCES sites (id),
    function           text NOT NULL,
    starts_on          date NOT NULL,
    ends_on            date NOT NULL,
    minutes_per_week   integer NOT NULL,
    note               text,
    status             text NOT NULL DEFAULT 'proposed',
    proposed_by        uuid CONSTRAINT secondments_proposed_by_fk REFERENCES users (id),
    proposed_at        timestamptz NOT NULL,
    lender_approved_by uuid CONSTRAINT secondments_lender_approved_by_fk REFERENCES users (id),
    lender_approved_at timestamptz,
    worker_approved_at timestamptz,
    declined_by        uuid CONSTRAINT secondments_declined_by_fk REFERENCES users (id),
    declined_at        timestamptz,
    ended_by           uuid CONSTRAINT secondments_ended_by_fk REFERENCES users (id),
    ended_at           timestamptz,
    request_key        text,
    CONSTRAINT secondments_parties_check CHECK (lender_id <> borrower_id),
    CONSTRAINT secondments_dates_check CHECK (ends_on >= starts_on),
    CONSTRAINT secondments_minutes_check CHECK (minutes_per_week BETWEEN 60 AND 3600),
    CONSTRAINT secondments_status_check CHECK (status IN ('proposed', 'active', 'declined', 'ended')),
    CONSTRAINT secondments_active_check CHECK (
        status NOT IN ('active', 'ended') OR (lender_approved_at IS NOT NULL AND worker_approved_at IS NOT NULL)),
    CONSTRAINT secondments_declined_check CHECK ((status = 'declined') = (declined_at IS NOT NULL))
);
CREATE INDEX secondments_worker_idx ON secondments (worker_id);
CREATE INDEX secondments_lender_idx ON secondments (lender_id);
CREATE INDEX secondments_borrower_idx ON secondments (borrower_id);
CREATE UNIQUE INDEX secondments_request_key ON secondments (proposed_by, request_key) WHERE request_key IS NOT NULL;

ALTER TABLE roster_blocks
    ADD COLUMN secondment_id uuid CONSTRAINT roster_blocks_secondment_fk REFERENCES secondments (id),
    ADD COLUMN break_minutes integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT roster_blocks_break_check CHECK (break_minutes >= 0
        AND break_minutes * interval '1 minute' < ends_at - starts_at);
CREATE INDEX roster_blocks_secondment_idx ON roster_blocks (secondment_id, starts_at) WHERE secondment_id IS NOT NULL;

ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_subject_check,
    ADD CONSTRAINT audit_events_subject_check CHECK (subject_type IN
        ('shift', 'application', 'assignment', 'region', 'organisation', 'worker', 'user', 'device', 'invitation',
         'secondment'));

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check,
    ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
        'offer', 'booked', 'approved', 'declined', 'released', 'shift-cancelled', 'application',
        'accepted', 'withdrawn', 'worker-cancelled', 'reminder', 'hours-to-confirm', 'credential-expiry',
        'still-open', 'secondment-proposed', 'secondment-active', 'secondment-declined', 'secondment-ended',
        'secondment-roster'));

ALTER TABLE statement_lines
    ADD COLUMN roster_block_id uuid,
    ADD COLUMN secondment_id uuid CONSTRAINT statement_lines_secondment_fk REFERENCES secondments (id),
    DROP CONSTRAINT statement_lines_kind_check,
    ADD CONSTRAINT statement_lines_kind_check CHECK (kind IN ('work', 'late-cancellation', 'correction', 'secondment')),
    ADD CONSTRAINT statement_lines_secondment_check CHECK ((kind = 'secondment') = (secondment_id IS NOT NULL));
""")


def downgrade() -> None:
    op.execute("""
DELETE FROM audit_events WHERE subject_type = 'secondment';
DELETE FROM notification_deliveries d USING notifications n WHERE n.id = d.notification_id AND n.kind LIKE 'secondment-%';
DELETE FROM notifications WHERE kind LIKE 'secondment-%';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check,
    ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
        'offer', 'booked', 'approved', 'declined', 'released', 'shift-cancelled', 'application',
        'accepted', 'withdrawn', 'worker-cancelled', 'reminder', 'hours-to-confirm', 'credential-expiry',
        'still-open'));
ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_subject_check,
    ADD CONSTRAINT audit_events_subject_check CHECK (subject_type IN
        ('shift', 'application', 'assignment', 'region', 'organisation', 'worker', 'user', 'device', 'invitation'));
ALTER TABLE statement_lines DROP CONSTRAINT statement_lines_kind_check, DROP COLUMN roster_block_id,
    DROP COLUMN secondment_id;
ALTER TABLE statement_lines ADD CONSTRAINT statement_lines_kind_check
    CHECK (kind IN ('work', 'late-cancellation', 'correction'));
ALTER TABLE roster_blocks DROP COLUMN secondment_id, DROP COLUMN break_minutes;
DROP TABLE secondments;
ALTER TABLE applications DROP COLUMN series_id;
ALTER TABLE shifts DROP COLUMN series_id, DROP COLUMN students_welcome, DROP COLUMN supervisor_function;
DROP TABLE series;
ALTER TABLE workers DROP CONSTRAINT workers_student_complete, DROP COLUMN student_school, DROP COLUMN student_level,
    DROP COLUMN student_supervisor_function;
""")
