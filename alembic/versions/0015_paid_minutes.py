"""Paid minutes (end − start − break, in absolute time) as a generated column of shifts and assignments, so
the formula lives in one place and every query that sums work reads the same number; and the great-circle
distance as one SQL function (flexpool.domain.eligibility.distance_km is its Python twin, for the rules).

Revision ID: 0015
Revises: 0014
"""
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

PAID = "(extract(epoch FROM ends_at - starts_at)::int / 60 - break_minutes)"


def upgrade() -> None:
    for table in ("shifts", "assignments"):
        op.execute(f"ALTER TABLE {table} ADD COLUMN paid_minutes integer GENERATED ALWAYS AS {PAID} STORED")
    # Haversine on the mean Earth radius; a SQL function the planner inlines into the queries that use it.
    op.execute("""
CREATE FUNCTION flexpool_km(lat1 float8, lon1 float8, lat2 float8, lon2 float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 2 * 6371.0088 * asin(sqrt(power(sin(radians(lat2 - lat1) / 2), 2)
                                     + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)))
$$""")


def downgrade() -> None:
    op.execute("DROP FUNCTION flexpool_km(float8, float8, float8, float8)")
    for table in ("shifts", "assignments"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN paid_minutes")
