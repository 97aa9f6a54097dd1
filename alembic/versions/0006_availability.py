"""Availability: weekly windows in which a worker wants extra shifts, and a cap on extra minutes a week.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE workers
    ADD COLUMN max_extra_minutes_per_week integer,
    ADD CONSTRAINT workers_max_extra_minutes_check CHECK (max_extra_minutes_per_week >= 0);

CREATE TABLE availability_windows (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id       uuid NOT NULL CONSTRAINT availability_windows_worker_fk REFERENCES workers (id) ON DELETE CASCADE,
    weekday         smallint NOT NULL,
    start_minute    smallint NOT NULL,
    length_minutes  smallint NOT NULL,
    CONSTRAINT availability_windows_weekday_check CHECK (weekday BETWEEN 0 AND 6),
    CONSTRAINT availability_windows_start_check CHECK (start_minute BETWEEN 0 AND 1439),
    CONSTRAINT availability_windows_length_check CHECK (length_minutes BETWEEN 1 AND 1440)
);
CREATE INDEX availability_windows_worker_idx ON availability_windows (worker_id, weekday);
""")


def downgrade() -> None:
    op.execute("""
DROP TABLE availability_windows;
ALTER TABLE workers DROP CONSTRAINT workers_max_extra_minutes_check, DROP COLUMN max_extra_minutes_per_week;
""")
