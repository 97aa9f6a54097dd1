"""Less work for planners and the region's planning desk: the HR personnel number (imports match on it),
favourites (a first-wave audience of named pool workers), the regionPlanner role (a region role, like the
coordinator), organisations that delegate their planning, and the push to region planners when an urgent
shift is still open close to its start.

Revision ID: 0011
Revises: 0010
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE workers ADD COLUMN employee_number text,
    ADD CONSTRAINT workers_employee_number_shape CHECK (length(employee_number) BETWEEN 1 AND 40);
CREATE UNIQUE INDEX workers_employee_number_key ON workers (organisation_id, employee_number)
    WHERE employee_number IS NOT NULL AND ended_at IS NULL;

ALTER TABLE organisations ADD COLUMN delegates_planning boolean NOT NULL DEFAULT false;

ALTER TABLE memberships DROP CONSTRAINT memberships_role_check,
    ADD CONSTRAINT memberships_role_check
        CHECK (role IN ('coordinator', 'regionPlanner', 'orgAdmin', 'planner', 'finance', 'worker')),
    DROP CONSTRAINT memberships_scope_check,
    ADD CONSTRAINT memberships_scope_check
        CHECK ((role IN ('coordinator', 'regionPlanner')) = (organisation_id IS NULL));

CREATE TABLE favourites (
    organisation_id  uuid NOT NULL CONSTRAINT favourites_organisation_fk REFERENCES organisations (id),
    worker_id        uuid NOT NULL CONSTRAINT favourites_worker_fk REFERENCES workers (id) ON DELETE CASCADE,
    added_by         uuid CONSTRAINT favourites_added_by_fk REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT favourites_pkey PRIMARY KEY (organisation_id, worker_id)
);
CREATE INDEX favourites_worker_idx ON favourites (worker_id);

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check,
    ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
        'offer', 'booked', 'approved', 'declined', 'released', 'shift-cancelled', 'application',
        'accepted', 'withdrawn', 'worker-cancelled', 'reminder', 'hours-to-confirm', 'credential-expiry',
        'still-open'));
""")


def downgrade() -> None:
    op.execute("""
DELETE FROM notifications WHERE kind = 'still-open';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check,
    ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
        'offer', 'booked', 'approved', 'declined', 'released', 'shift-cancelled', 'application',
        'accepted', 'withdrawn', 'worker-cancelled', 'reminder', 'hours-to-confirm', 'credential-expiry'));
DROP TABLE favourites;
DELETE FROM memberships WHERE role = 'regionPlanner';
ALTER TABLE memberships DROP CONSTRAINT memberships_scope_check,
    ADD CONSTRAINT memberships_scope_check CHECK ((role = 'coordinator') = (organisation_id IS NULL)),
    DROP CONSTRAINT memberships_role_check,
    ADD CONSTRAINT memberships_role_check CHECK (role IN ('coordinator', 'orgAdmin', 'planner', 'finance', 'worker'));
ALTER TABLE organisations DROP COLUMN delegates_planning;
DROP INDEX workers_employee_number_key;
ALTER TABLE workers DROP COLUMN employee_number;
""")
