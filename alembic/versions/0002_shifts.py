"""Shifts, assignments, applications, the audit trail and idempotency keys.

The database is the last guard of the two booking invariants:
- one winner per place: a trigger keeps shifts.places_filled in step with booked assignments and the
  CHECK places_filled <= places refuses the booking that would overfill a shift;
- no double booking: an exclusion constraint forbids two booked assignments of one worker that overlap
  in time (the worker number as a one-point int8range, so core GiST is enough, no btree_gist).

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE TABLE shifts (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_id        uuid NOT NULL,
    organisation_id  uuid NOT NULL,
    site_id          uuid NOT NULL CONSTRAINT shifts_site_fk REFERENCES sites (id),
    function         text NOT NULL,
    skills           text[] NOT NULL DEFAULT '{}',
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    break_minutes    integer NOT NULL,
    places           integer NOT NULL DEFAULT 1,
    places_filled    integer NOT NULL DEFAULT 0,
    booking          text NOT NULL DEFAULT 'instant',
    description      text,
    urgent           boolean NOT NULL DEFAULT false,
    status           text NOT NULL DEFAULT 'open',
    published_at     timestamptz NOT NULL,
    partners_at      timestamptz NOT NULL,
    region_at        timestamptz NOT NULL,
    created_by       uuid CONSTRAINT shifts_created_by_fk REFERENCES users (id),
    cancelled_at     timestamptz,
    cancel_reason    text,
    CONSTRAINT shifts_organisation_fk FOREIGN KEY (organisation_id, region_id)
        REFERENCES organisations (id, region_id),
    CONSTRAINT shifts_order_check CHECK (ends_at > starts_at),
    CONSTRAINT shifts_length_check CHECK (ends_at - starts_at <= interval '24 hours'),
    CONSTRAINT shifts_break_check CHECK (break_minutes >= 0),
    CONSTRAINT shifts_places_check CHECK (places BETWEEN 1 AND 100),
    CONSTRAINT shifts_places_filled_check CHECK (places_filled BETWEEN 0 AND places),
    CONSTRAINT shifts_booking_check CHECK (booking IN ('instant', 'approval')),
    CONSTRAINT shifts_status_check CHECK (status IN ('open', 'filled', 'cancelled')),
    CONSTRAINT shifts_waves_order CHECK (published_at <= partners_at AND partners_at <= region_at)
);
-- Offers: open shifts of a region by start time; the planner's list: an organisation's shifts by start.
CREATE INDEX shifts_open_region_starts_idx ON shifts (region_id, starts_at) WHERE status = 'open';
CREATE INDEX shifts_organisation_starts_idx ON shifts (organisation_id, starts_at);

CREATE TABLE assignments (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    shift_id              uuid NOT NULL CONSTRAINT assignments_shift_fk REFERENCES shifts (id),
    worker_id             uuid NOT NULL CONSTRAINT assignments_worker_fk REFERENCES workers (id),
    worker_no             bigint NOT NULL CONSTRAINT assignments_worker_no_fk REFERENCES workers (no),
    organisation_id       uuid NOT NULL CONSTRAINT assignments_organisation_fk REFERENCES organisations (id),
    home_organisation_id  uuid NOT NULL CONSTRAINT assignments_home_organisation_fk REFERENCES organisations (id),
    starts_at             timestamptz NOT NULL,
    ends_at               timestamptz NOT NULL,
    break_minutes         integer NOT NULL,
    status                text NOT NULL DEFAULT 'booked',
    booked_at             timestamptz NOT NULL,
    booked_by             uuid CONSTRAINT assignments_booked_by_fk REFERENCES users (id),
    cancelled_at          timestamptz,
    cancelled_by          uuid CONSTRAINT assignments_cancelled_by_fk REFERENCES users (id),
    cancel_reason         text,
    late_cancellation     boolean NOT NULL DEFAULT false,
    CONSTRAINT assignments_status_check CHECK (status IN ('booked', 'cancelled')),
    CONSTRAINT assignments_order_check CHECK (ends_at > starts_at),
    CONSTRAINT assignments_cancel_complete CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CONSTRAINT assignments_no_double_booking EXCLUDE USING gist (
        int8range(worker_no, worker_no, '[]') WITH =, tstzrange(starts_at, ends_at) WITH &&)
        WHERE (status = 'booked')
);
CREATE UNIQUE INDEX assignments_shift_worker_booked_key ON assignments (shift_id, worker_id) WHERE status = 'booked';
CREATE INDEX assignments_worker_starts_idx ON assignments (worker_id, starts_at);
CREATE INDEX assignments_shift_idx ON assignments (shift_id);

CREATE FUNCTION assignments_fill_places() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta integer := 0;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'booked' THEN delta := 1; END IF;
    ELSIF OLD.status = 'booked' AND NEW.status <> 'booked' THEN
        delta := -1;
    ELSIF OLD.status <> 'booked' AND NEW.status = 'booked' THEN
        delta := 1;
    END IF;
    IF delta <> 0 THEN
        UPDATE shifts
           SET places_filled = places_filled + delta,
               status = CASE WHEN status = 'cancelled' THEN status
                             WHEN places_filled + delta >= places THEN 'filled'
                             ELSE 'open' END
         WHERE id = NEW.shift_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER assignments_fill_places_trg AFTER INSERT OR UPDATE OF status ON assignments
    FOR EACH ROW EXECUTE FUNCTION assignments_fill_places();

CREATE TABLE applications (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    shift_id     uuid NOT NULL CONSTRAINT applications_shift_fk REFERENCES shifts (id),
    worker_id    uuid NOT NULL CONSTRAINT applications_worker_fk REFERENCES workers (id),
    status       text NOT NULL DEFAULT 'pending',
    created_at   timestamptz NOT NULL,
    decided_at   timestamptz,
    decided_by   uuid CONSTRAINT applications_decided_by_fk REFERENCES users (id),
    reason       text,
    CONSTRAINT applications_status_check CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn'))
);
CREATE UNIQUE INDEX applications_shift_worker_pending_key ON applications (shift_id, worker_id) WHERE status = 'pending';
CREATE INDEX applications_worker_idx ON applications (worker_id) WHERE status = 'pending';

CREATE TABLE audit_events (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  uuid NOT NULL CONSTRAINT audit_events_organisation_fk REFERENCES organisations (id),
    shift_id         uuid CONSTRAINT audit_events_shift_fk REFERENCES shifts (id),
    subject_type     text NOT NULL,
    subject_id       uuid NOT NULL,
    action           text NOT NULL,
    actor_user_id    uuid CONSTRAINT audit_events_actor_fk REFERENCES users (id),
    reason           text,
    data             jsonb NOT NULL DEFAULT '{}'::jsonb,
    at               timestamptz NOT NULL,
    CONSTRAINT audit_events_subject_check CHECK (subject_type IN ('shift', 'application', 'assignment'))
);
CREATE INDEX audit_events_shift_idx ON audit_events (shift_id, id);

CREATE TABLE idempotency_keys (
    user_id       uuid NOT NULL CONSTRAINT idempotency_keys_user_fk REFERENCES users (id) ON DELETE CASCADE,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status_code   integer,
    content_type  text,
    body          bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key),
    CONSTRAINT idempotency_keys_key_length CHECK (length(key) BETWEEN 1 AND 255)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
""")


def downgrade() -> None:
    op.execute("""
DROP TABLE idempotency_keys;
DROP TABLE audit_events;
DROP TABLE applications;
DROP TRIGGER assignments_fill_places_trg ON assignments;
DROP TABLE assignments;
DROP FUNCTION assignments_fill_places();
DROP TABLE shifts;
""")
