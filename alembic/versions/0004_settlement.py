"""Hours and settlement: timesheets, tariffs, VAT exemptions, Waadi status, closed months with frozen
statements and lines (a trigger refuses any change to a closed month), the calendar feed secret.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE organisations
    ADD COLUMN waadi_registered boolean NOT NULL DEFAULT false,
    ADD COLUMN waadi_exempt boolean NOT NULL DEFAULT false,
    ADD COLUMN address text,
    ADD COLUMN postcode text,
    ADD COLUMN city text,
    ADD CONSTRAINT organisations_waadi_check CHECK (NOT (waadi_registered AND waadi_exempt));

CREATE TABLE timesheets (
    assignment_id   uuid PRIMARY KEY CONSTRAINT timesheets_assignment_fk REFERENCES assignments (id),
    started_at      timestamptz,
    ended_at        timestamptz,
    break_minutes   integer NOT NULL DEFAULT 0,
    no_show         boolean NOT NULL DEFAULT false,
    worked_minutes  integer NOT NULL,
    auto            boolean NOT NULL DEFAULT false,
    confirmed_by    uuid CONSTRAINT timesheets_confirmed_by_fk REFERENCES users (id),
    confirmed_at    timestamptz NOT NULL,
    CONSTRAINT timesheets_no_show_check CHECK (no_show = (started_at IS NULL) AND no_show = (ended_at IS NULL)),
    CONSTRAINT timesheets_order_check CHECK (no_show OR ended_at > started_at),
    CONSTRAINT timesheets_length_check CHECK (no_show OR ended_at - started_at <= interval '24 hours'),
    CONSTRAINT timesheets_worked_check CHECK (worked_minutes >= 0 AND break_minutes >= 0)
);

CREATE TABLE tariff_tables (
    region_id    uuid PRIMARY KEY CONSTRAINT tariff_tables_region_fk REFERENCES regions (id),
    functions    jsonb NOT NULL,
    vat_percent  integer NOT NULL DEFAULT 21,
    updated_at   timestamptz NOT NULL,
    updated_by   uuid CONSTRAINT tariff_tables_updated_by_fk REFERENCES users (id),
    CONSTRAINT tariff_tables_vat_check CHECK (vat_percent BETWEEN 0 AND 100)
);

CREATE TABLE organisation_tariffs (
    organisation_id  uuid PRIMARY KEY CONSTRAINT organisation_tariffs_organisation_fk REFERENCES organisations (id),
    functions        jsonb NOT NULL,
    updated_at       timestamptz NOT NULL,
    updated_by       uuid CONSTRAINT organisation_tariffs_updated_by_fk REFERENCES users (id)
);

CREATE TABLE vat_exemptions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_id    uuid NOT NULL CONSTRAINT vat_exemptions_region_fk REFERENCES regions (id),
    lender_id    uuid CONSTRAINT vat_exemptions_lender_fk REFERENCES organisations (id),
    borrower_id  uuid CONSTRAINT vat_exemptions_borrower_fk REFERENCES organisations (id),
    basis        text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT vat_exemptions_pair_check CHECK ((lender_id IS NULL) = (borrower_id IS NULL)),
    CONSTRAINT vat_exemptions_basis_check CHECK (length(btrim(basis)) >= 10)
);
CREATE UNIQUE INDEX vat_exemptions_pair_key ON vat_exemptions (region_id, lender_id, borrower_id) NULLS NOT DISTINCT;

CREATE TABLE settlement_months (
    region_id  uuid NOT NULL CONSTRAINT settlement_months_region_fk REFERENCES regions (id),
    month      date NOT NULL,
    closed_at  timestamptz NOT NULL,
    closed_by  uuid CONSTRAINT settlement_months_closed_by_fk REFERENCES users (id),
    CONSTRAINT settlement_months_pkey PRIMARY KEY (region_id, month),
    CONSTRAINT settlement_months_first_day CHECK (extract(day FROM month) = 1)
);

CREATE TABLE statements (
    id              uuid PRIMARY KEY,
    region_id       uuid NOT NULL,
    month           date NOT NULL,
    lender_id       uuid NOT NULL CONSTRAINT statements_lender_fk REFERENCES organisations (id),
    borrower_id     uuid NOT NULL CONSTRAINT statements_borrower_fk REFERENCES organisations (id),
    vat_category    text NOT NULL,
    vat_percent     integer NOT NULL,
    vat_reason      text,
    waadi           text NOT NULL,
    minutes         integer NOT NULL,
    amount_cents    bigint NOT NULL,
    vat_cents       bigint NOT NULL,
    total_cents     bigint NOT NULL,
    line_count      integer NOT NULL,
    CONSTRAINT statements_month_fk FOREIGN KEY (region_id, month) REFERENCES settlement_months (region_id, month),
    CONSTRAINT statements_pair_key UNIQUE (region_id, month, lender_id, borrower_id),
    CONSTRAINT statements_total_check CHECK (total_cents = amount_cents + vat_cents),
    CONSTRAINT statements_vat_category_check CHECK (vat_category IN ('S', 'E') AND (vat_category = 'S') = (vat_reason IS NULL))
);

CREATE TABLE statement_lines (
    id                uuid PRIMARY KEY,
    statement_id      uuid NOT NULL CONSTRAINT statement_lines_statement_fk REFERENCES statements (id),
    position          integer NOT NULL,
    kind              text NOT NULL,
    assignment_id     uuid CONSTRAINT statement_lines_assignment_fk REFERENCES assignments (id),
    corrects_line_id  uuid CONSTRAINT statement_lines_corrects_fk REFERENCES statement_lines (id),
    work_date         date NOT NULL,
    worker_name       text NOT NULL,
    site_name         text NOT NULL,
    function          text NOT NULL,
    planned_minutes   integer NOT NULL,
    worked_minutes    integer NOT NULL,
    tariff_cents      integer NOT NULL,
    base_cents        bigint NOT NULL,
    ort               jsonb NOT NULL,
    amount_cents      bigint NOT NULL,
    CONSTRAINT statement_lines_kind_check CHECK (kind IN ('work', 'late-cancellation', 'correction')),
    CONSTRAINT statement_lines_correction_check CHECK ((kind = 'correction') = (corrects_line_id IS NOT NULL)),
    CONSTRAINT statement_lines_position_key UNIQUE (statement_id, position)
);
CREATE INDEX statement_lines_assignment_idx ON statement_lines (assignment_id);
CREATE INDEX statement_lines_corrects_idx ON statement_lines (corrects_line_id);

-- A closed month never changes: its statements and lines are written once, at closing.
CREATE FUNCTION closed_month_is_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a closed month never changes (%)', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER statements_frozen_trg BEFORE UPDATE OR DELETE ON statements
    FOR EACH ROW EXECUTE FUNCTION closed_month_is_frozen();
CREATE TRIGGER statement_lines_frozen_trg BEFORE UPDATE OR DELETE ON statement_lines
    FOR EACH ROW EXECUTE FUNCTION closed_month_is_frozen();
CREATE TRIGGER settlement_months_frozen_trg BEFORE UPDATE OR DELETE ON settlement_months
    FOR EACH ROW EXECUTE FUNCTION closed_month_is_frozen();
""")


def downgrade() -> None:
    op.execute("""
DROP TABLE statement_lines;
DROP TABLE statements;
DROP TABLE settlement_months;
DROP FUNCTION closed_month_is_frozen();
DROP TABLE vat_exemptions;
DROP TABLE organisation_tariffs;
DROP TABLE tariff_tables;
DROP TABLE timesheets;
ALTER TABLE organisations DROP CONSTRAINT organisations_waadi_check, DROP COLUMN waadi_registered,
    DROP COLUMN waadi_exempt, DROP COLUMN address, DROP COLUMN postcode, DROP COLUMN city;
""")
