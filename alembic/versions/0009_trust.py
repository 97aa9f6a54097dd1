"""Trust between organisations: one region per user, invitations with consent, leavers, the employer's
pool opt-out that binds, calendar secrets from the CSPRNG, erasure.

- `users.region_id`: a user belongs to one region; memberships and worker profiles reference
  (user, region), so the database refuses a grant that would put someone in a second region.
- `workers.employer_opt_in` / `worker_opt_in`: the home employer's `pool.optedIn` and the worker's own
  preference; `opted_in` (what every query reads) is derived and is true only when both allow it and
  the worker has not been ended (`ended_at`).
- `invitations`: adding someone who already belongs to another organisation asks their consent first.
- Calendar secrets: 244 random bits from gen_random_uuid() (pg_strong_random) instead of md5(random());
  every existing secret is replaced, since random() is not a secure source.

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SECRET = "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')"


def upgrade() -> None:
    op.execute(f"""
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM memberships GROUP BY user_id HAVING count(DISTINCT region_id) > 1) THEN
        RAISE EXCEPTION 'some users hold roles in more than one region; end those roles before upgrading';
    END IF;
END $$;

ALTER TABLE users
    ADD COLUMN region_id uuid CONSTRAINT users_region_fk REFERENCES regions (id),
    ADD COLUMN erased_at timestamptz,
    ADD CONSTRAINT users_id_region_key UNIQUE (id, region_id);
UPDATE users u SET region_id = m.region_id FROM (SELECT DISTINCT user_id, region_id FROM memberships) m
    WHERE m.user_id = u.id;
UPDATE users u SET region_id = w.region_id FROM workers w WHERE w.user_id = u.id AND u.region_id IS NULL;
ALTER TABLE memberships ADD CONSTRAINT memberships_user_region_fk FOREIGN KEY (user_id, region_id)
    REFERENCES users (id, region_id);
ALTER TABLE workers ADD CONSTRAINT workers_user_region_fk FOREIGN KEY (user_id, region_id)
    REFERENCES users (id, region_id);

ALTER TABLE users ALTER COLUMN calendar_secret SET DEFAULT {SECRET};
UPDATE users SET calendar_secret = {SECRET};
ALTER TABLE users ADD CONSTRAINT users_calendar_secret_length CHECK (length(calendar_secret) >= 32);

DROP INDEX workers_region_pool_idx;
ALTER TABLE workers
    ADD COLUMN employer_opt_in boolean NOT NULL DEFAULT false,
    ADD COLUMN worker_opt_in boolean NOT NULL DEFAULT true,
    ADD COLUMN ended_at timestamptz,
    ADD COLUMN erased_at timestamptz;
UPDATE workers SET employer_opt_in = opted_in;
ALTER TABLE workers DROP COLUMN opted_in;
ALTER TABLE workers ADD COLUMN opted_in boolean
    GENERATED ALWAYS AS (employer_opt_in AND worker_opt_in AND ended_at IS NULL) STORED;
ALTER TABLE workers ADD CONSTRAINT workers_erased_after_end CHECK (erased_at IS NULL OR ended_at IS NOT NULL);
CREATE INDEX workers_region_pool_idx ON workers (region_id, function) WHERE opted_in;
-- An ended profile stays for the hours it worked; the person may become a worker elsewhere afterwards.
ALTER TABLE workers DROP CONSTRAINT workers_user_key;
CREATE UNIQUE INDEX workers_user_active_key ON workers (user_id) WHERE ended_at IS NULL;

CREATE TABLE invitations (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_id        uuid NOT NULL,
    organisation_id  uuid NOT NULL,
    user_id          uuid NOT NULL CONSTRAINT invitations_user_fk REFERENCES users (id) ON DELETE CASCADE,
    kind             text NOT NULL,
    roles            text[] NOT NULL DEFAULT '{{}}',
    worker           jsonb,
    status           text NOT NULL DEFAULT 'pending',
    invited_by       uuid CONSTRAINT invitations_invited_by_fk REFERENCES users (id),
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    decided_at       timestamptz,
    CONSTRAINT invitations_organisation_fk FOREIGN KEY (organisation_id, region_id)
        REFERENCES organisations (id, region_id),
    CONSTRAINT invitations_kind_check CHECK (kind IN ('member', 'worker')),
    CONSTRAINT invitations_status_check CHECK (status IN ('pending', 'accepted', 'declined', 'revoked')),
    CONSTRAINT invitations_shape_check CHECK ((kind = 'worker') = (worker IS NOT NULL)),
    CONSTRAINT invitations_roles_check CHECK (roles <@ ARRAY['orgAdmin', 'planner', 'finance']::text[]),
    CONSTRAINT invitations_decided_check CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX invitations_pending_key ON invitations (user_id, organisation_id, kind)
    WHERE status = 'pending';
CREATE INDEX invitations_organisation_idx ON invitations (organisation_id, created_at);

ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_subject_check,
    ADD CONSTRAINT audit_events_subject_check CHECK (subject_type IN
        ('shift', 'application', 'assignment', 'region', 'organisation', 'worker', 'user', 'device', 'invitation'));
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id) WHERE actor_user_id IS NOT NULL;
""")


def downgrade() -> None:
    op.execute("""
DROP INDEX audit_events_actor_idx;
DELETE FROM audit_events WHERE subject_type IN ('worker', 'user', 'device', 'invitation');
ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_subject_check,
    ADD CONSTRAINT audit_events_subject_check
        CHECK (subject_type IN ('shift', 'application', 'assignment', 'region', 'organisation'));
DROP TABLE invitations;
DROP INDEX workers_region_pool_idx;
DROP INDEX workers_user_active_key;
DELETE FROM workers w WHERE ended_at IS NOT NULL AND EXISTS (SELECT 1 FROM workers x WHERE x.user_id = w.user_id AND x.id <> w.id)
    AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.worker_id = w.id);
ALTER TABLE workers ADD CONSTRAINT workers_user_key UNIQUE (user_id);
ALTER TABLE workers DROP CONSTRAINT workers_erased_after_end;
ALTER TABLE workers DROP COLUMN opted_in;
ALTER TABLE workers ADD COLUMN opted_in boolean NOT NULL DEFAULT false;
UPDATE workers SET opted_in = employer_opt_in AND worker_opt_in AND ended_at IS NULL;
ALTER TABLE workers DROP COLUMN employer_opt_in, DROP COLUMN worker_opt_in, DROP COLUMN ended_at,
    DROP COLUMN erased_at;
CREATE INDEX workers_region_pool_idx ON workers (region_id, function) WHERE opted_in;
ALTER TABLE users DROP CONSTRAINT users_calendar_secret_length;
ALTER TABLE users ALTER COLUMN calendar_secret SET DEFAULT md5(random()::text || clock_timestamp()::text);
ALTER TABLE workers DROP CONSTRAINT workers_user_region_fk;
ALTER TABLE memberships DROP CONSTRAINT memberships_user_region_fk;
ALTER TABLE users DROP CONSTRAINT users_id_region_key, DROP COLUMN region_id, DROP COLUMN erased_at;
""")
