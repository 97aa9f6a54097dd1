"""A region's own ORT tables: per CAO, a replacement of the default bands (empty: the CAO defaults).

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE tariff_tables
    ADD COLUMN ort jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD CONSTRAINT tariff_tables_ort_check CHECK (jsonb_typeof(ort) = 'object');
""")


def downgrade() -> None:
    op.execute("ALTER TABLE tariff_tables DROP CONSTRAINT tariff_tables_ort_check, DROP COLUMN ort;")
