"""What a valid e-invoice needs (EN 16931, SI-UBL 2.0): the seller's VAT identifier, the exemption's
VATEX code, the percentage a late cancellation was charged at, and the issue date fixed when a month
closes (its closing day, settlement_months.closed_at).

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE organisations ADD COLUMN vat_number text,
    ADD CONSTRAINT organisations_vat_number_shape CHECK (vat_number ~ '^[A-Z]{2}[0-9A-Z]{2,13}$');
ALTER TABLE vat_exemptions ADD COLUMN code text,
    ADD CONSTRAINT vat_exemptions_code_shape CHECK (code ~ '^VATEX-[A-Z0-9-]{2,30}$');
ALTER TABLE statements ADD COLUMN vat_reason_code text;
ALTER TABLE statement_lines ADD COLUMN late_cancellation_percent integer,
    ADD CONSTRAINT statement_lines_late_percent_check CHECK (late_cancellation_percent IS NULL OR
        (kind = 'late-cancellation' AND late_cancellation_percent BETWEEN 0 AND 100));
UPDATE statement_lines l SET late_cancellation_percent = a.late_cancellation_percent FROM assignments a
    WHERE l.assignment_id = a.id AND l.kind = 'late-cancellation';

-- Dates a care rota can mean (the API refuses others since this version; older rows are brought in range):
-- a credential "valid until 9999-12-31" broke date arithmetic for every organisation that saw the worker.
UPDATE credentials SET valid_until = '2100-12-31' WHERE valid_until > '2100-12-31';
UPDATE workers SET date_of_birth = NULL WHERE date_of_birth NOT BETWEEN '1900-01-01' AND '2100-12-31';
ALTER TABLE credentials ADD CONSTRAINT credentials_valid_until_range
    CHECK (valid_until BETWEEN '1900-01-01' AND '2100-12-31');
ALTER TABLE workers ADD CONSTRAINT workers_date_of_birth_range
    CHECK (date_of_birth BETWEEN '1900-01-01' AND '2100-12-31');
""")


def downgrade() -> None:
    op.execute("""
ALTER TABLE workers DROP CONSTRAINT workers_date_of_birth_range;
ALTER TABLE credentials DROP CONSTRAINT credentials_valid_until_range;
ALTER TABLE statement_lines DROP COLUMN late_cancellation_percent;
ALTER TABLE statements DROP COLUMN vat_reason_code;
ALTER TABLE vat_exemptions DROP COLUMN code;
ALTER TABLE organisations DROP COLUMN vat_number;
""")
