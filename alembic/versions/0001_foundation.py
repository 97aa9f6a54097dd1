"""Foundation: regions, organisations, people and roles, sites, workers, credentials, rosters, devices.

Revision ID: 0001
Revises:
"""
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE TABLE regions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT regions_name_key UNIQUE (name),
    CONSTRAINT regions_name_not_blank CHECK (btrim(name) <> '')
);

CREATE TABLE users (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email            text NOT NULL,
    name             text NOT NULL,
    language         text NOT NULL DEFAULT 'nl',
    quiet_from       time,
    quiet_to         time,
    digest           text NOT NULL DEFAULT 'none',
    calendar_secret  text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_language_check CHECK (language IN ('nl', 'en')),
    CONSTRAINT users_digest_check CHECK (digest IN ('none', 'daily')),
    CONSTRAINT users_quiet_hours_pair CHECK ((quiet_from IS NULL) = (quiet_to IS NULL)),
    CONSTRAINT users_email_shape CHECK (email ~ '^[^@\\s]+@[^@\\s]+$')
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_calendar_secret_key ON users (calendar_secret);

CREATE TABLE organisations (
    id                              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_id                       uuid NOT NULL CONSTRAINT organisations_region_fk REFERENCES regions (id),
    name                            text NOT NULL,
    kind                            text NOT NULL DEFAULT 'vvt',
    cao                             text NOT NULL DEFAULT 'vvt',
    kvk_number                      text,
    iban                            text,
    worker_cancel_window_minutes    integer NOT NULL DEFAULT 2880,
    late_cancel_window_minutes      integer NOT NULL DEFAULT 1440,
    created_at                      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organisations_region_name_key UNIQUE (region_id, name),
    CONSTRAINT organisations_id_region_key UNIQUE (id, region_id),
    CONSTRAINT organisations_kind_check CHECK (kind IN ('vvt', 'ghz', 'welzijn')),
    CONSTRAINT organisations_cao_check CHECK (cao IN ('vvt', 'ghz', 'sociaal-werk')),
    CONSTRAINT organisations_kvk_shape CHECK (kvk_number ~ '^[0-9]{8}$'),
    CONSTRAINT organisations_iban_shape CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$'),
    CONSTRAINT organisations_windows_check CHECK (worker_cancel_window_minutes >= 0 AND late_cancel_window_minutes >= 0)
);

CREATE TABLE memberships (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL CONSTRAINT memberships_user_fk REFERENCES users (id) ON DELETE CASCADE,
    region_id        uuid NOT NULL CONSTRAINT memberships_region_fk REFERENCES regions (id),
    organisation_id  uuid,
    role             text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT memberships_organisation_fk FOREIGN KEY (organisation_id, region_id)
        REFERENCES organisations (id, region_id),
    CONSTRAINT memberships_role_check CHECK (role IN ('coordinator', 'orgAdmin', 'planner', 'finance', 'worker')),
    CONSTRAINT memberships_scope_check CHECK ((role = 'coordinator') = (organisation_id IS NULL))
);
CREATE UNIQUE INDEX memberships_org_role_key ON memberships (user_id, organisation_id, role)
    WHERE organisation_id IS NOT NULL;
CREATE UNIQUE INDEX memberships_region_role_key ON memberships (user_id, region_id, role)
    WHERE organisation_id IS NULL;
CREATE INDEX memberships_organisation_idx ON memberships (organisation_id, role);

CREATE TABLE sites (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id  uuid NOT NULL CONSTRAINT sites_organisation_fk REFERENCES organisations (id),
    name             text NOT NULL,
    address          text,
    postcode         text,
    city             text,
    latitude         double precision,
    longitude        double precision,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sites_organisation_name_key UNIQUE (organisation_id, name),
    CONSTRAINT sites_latitude_check CHECK (latitude BETWEEN -90 AND 90),
    CONSTRAINT sites_longitude_check CHECK (longitude BETWEEN -180 AND 180),
    CONSTRAINT sites_coordinates_pair CHECK ((latitude IS NULL) = (longitude IS NULL))
);

CREATE TABLE workers (
    id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    no                          bigint GENERATED ALWAYS AS IDENTITY,
    user_id                     uuid NOT NULL CONSTRAINT workers_user_fk REFERENCES users (id),
    organisation_id             uuid NOT NULL,
    region_id                   uuid NOT NULL,
    date_of_birth               date,
    home_postcode               text,
    home_latitude               double precision,
    home_longitude              double precision,
    function                    text NOT NULL,
    skills                      text[] NOT NULL DEFAULT '{}',
    contract_minutes_per_week   integer NOT NULL,
    opted_in                    boolean NOT NULL DEFAULT false,
    max_loan_minutes_per_month  integer,
    nights                      boolean NOT NULL DEFAULT false,
    max_travel_km               integer,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT workers_no_key UNIQUE (no),
    CONSTRAINT workers_user_key UNIQUE (user_id),
    CONSTRAINT workers_organisation_fk FOREIGN KEY (organisation_id, region_id)
        REFERENCES organisations (id, region_id),
    CONSTRAINT workers_contract_check CHECK (contract_minutes_per_week BETWEEN 0 AND 3600),
    CONSTRAINT workers_loan_limit_check CHECK (max_loan_minutes_per_month >= 0),
    CONSTRAINT workers_travel_check CHECK (max_travel_km >= 0),
    CONSTRAINT workers_home_pair CHECK ((home_latitude IS NULL) = (home_longitude IS NULL))
);
CREATE INDEX workers_organisation_idx ON workers (organisation_id);
CREATE INDEX workers_region_pool_idx ON workers (region_id, function) WHERE opted_in;

CREATE TABLE worker_excluded_organisations (
    worker_id        uuid NOT NULL CONSTRAINT worker_excluded_worker_fk REFERENCES workers (id) ON DELETE CASCADE,
    organisation_id  uuid NOT NULL CONSTRAINT worker_excluded_organisation_fk REFERENCES organisations (id),
    CONSTRAINT worker_excluded_organisations_pkey PRIMARY KEY (worker_id, organisation_id)
);

CREATE TABLE credentials (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    worker_id    uuid NOT NULL CONSTRAINT credentials_worker_fk REFERENCES workers (id) ON DELETE CASCADE,
    kind         text NOT NULL,
    number       text,
    valid_until  date,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credentials_big_number CHECK (kind <> 'big' OR number ~ '^[0-9]{11}$')
);
CREATE INDEX credentials_worker_idx ON credentials (worker_id);
CREATE INDEX credentials_expiry_idx ON credentials (valid_until) WHERE valid_until IS NOT NULL;

CREATE TABLE roster_blocks (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    worker_id   uuid NOT NULL CONSTRAINT roster_blocks_worker_fk REFERENCES workers (id) ON DELETE CASCADE,
    worker_no   bigint NOT NULL CONSTRAINT roster_blocks_worker_no_fk REFERENCES workers (no) ON DELETE CASCADE,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    CONSTRAINT roster_blocks_order_check CHECK (ends_at > starts_at),
    CONSTRAINT roster_blocks_length_check CHECK (ends_at - starts_at <= interval '24 hours'),
    -- A worker's own roster never overlaps itself; the worker is a one-point range so no extension is needed.
    CONSTRAINT roster_blocks_no_overlap EXCLUDE USING gist (
        int8range(worker_no, worker_no, '[]') WITH =, tstzrange(starts_at, ends_at) WITH &&)
);

CREATE TABLE devices (
    token         text PRIMARY KEY,
    user_id       uuid NOT NULL CONSTRAINT devices_user_fk REFERENCES users (id) ON DELETE CASCADE,
    platform      text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT devices_platform_check CHECK (platform IN ('android', 'ios', 'web')),
    CONSTRAINT devices_token_length CHECK (length(token) BETWEEN 1 AND 4096)
);
CREATE INDEX devices_user_idx ON devices (user_id);

CREATE TABLE partners (
    organisation_id  uuid NOT NULL CONSTRAINT partners_organisation_fk REFERENCES organisations (id),
    partner_id       uuid NOT NULL CONSTRAINT partners_partner_fk REFERENCES organisations (id),
    CONSTRAINT partners_pkey PRIMARY KEY (organisation_id, partner_id),
    CONSTRAINT partners_not_self CHECK (organisation_id <> partner_id)
);

CREATE TABLE blocked_workers (
    organisation_id  uuid NOT NULL CONSTRAINT blocked_workers_organisation_fk REFERENCES organisations (id),
    worker_id        uuid NOT NULL CONSTRAINT blocked_workers_worker_fk REFERENCES workers (id) ON DELETE CASCADE,
    reason           text NOT NULL,
    created_by       uuid CONSTRAINT blocked_workers_created_by_fk REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT blocked_workers_pkey PRIMARY KEY (organisation_id, worker_id)
);
CREATE INDEX blocked_workers_worker_idx ON blocked_workers (worker_id);
""")


def downgrade() -> None:
    op.execute("""
DROP TABLE blocked_workers;
DROP TABLE partners;
DROP TABLE devices;
DROP TABLE roster_blocks;
DROP TABLE credentials;
DROP TABLE worker_excluded_organisations;
DROP TABLE workers;
DROP TABLE sites;
DROP TABLE memberships;
DROP TABLE organisations;
DROP TABLE users;
DROP TABLE regions;
""")
