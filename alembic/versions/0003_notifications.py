"""Notifications: the outbox (one row per user and event, written once) and deliveries per device; the
waves that have been announced (one row per shift and tier, written once).

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE TABLE notifications (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       uuid NOT NULL CONSTRAINT notifications_user_fk REFERENCES users (id) ON DELETE CASCADE,
    kind          text NOT NULL,
    dedupe_key    text NOT NULL,
    urgent        boolean NOT NULL DEFAULT false,
    data          jsonb NOT NULL DEFAULT '{}'::jsonb,
    status        text NOT NULL DEFAULT 'pending',
    created_at    timestamptz NOT NULL,
    due_at        timestamptz NOT NULL,
    lease_until   timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text,
    title         text,
    body          text,
    sent_at       timestamptz,
    folded_into   bigint CONSTRAINT notifications_folded_into_fk REFERENCES notifications (id),
    CONSTRAINT notifications_user_dedupe_key UNIQUE (user_id, dedupe_key),
    CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'sending', 'sent', 'recorded', 'folded', 'dead')),
    CONSTRAINT notifications_kind_check CHECK (kind IN (
        'offer', 'booked', 'approved', 'declined', 'released', 'shift-cancelled', 'application',
        'accepted', 'withdrawn', 'worker-cancelled', 'reminder', 'hours-to-confirm', 'credential-expiry'))
);
CREATE INDEX notifications_due_idx ON notifications (due_at) WHERE status IN ('pending', 'sending');
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_user_offers_sent_idx ON notifications (user_id, sent_at DESC) WHERE kind = 'offer';

CREATE TABLE notification_deliveries (
    notification_id  bigint NOT NULL CONSTRAINT notification_deliveries_notification_fk
                         REFERENCES notifications (id) ON DELETE CASCADE,
    token            text NOT NULL,
    status           text NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    message_id       text,
    last_error       text,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT notification_deliveries_pkey PRIMARY KEY (notification_id, token),
    CONSTRAINT notification_deliveries_status_check CHECK (status IN ('sending', 'sent', 'failed', 'unregistered'))
);

CREATE TABLE shift_waves (
    shift_id      uuid NOT NULL CONSTRAINT shift_waves_shift_fk REFERENCES shifts (id) ON DELETE CASCADE,
    tier          text NOT NULL,
    announced_at  timestamptz NOT NULL,
    reached       integer NOT NULL,
    CONSTRAINT shift_waves_pkey PRIMARY KEY (shift_id, tier),
    CONSTRAINT shift_waves_tier_check CHECK (tier IN ('organisation', 'partners', 'region', 'reopened'))
);
""")


def downgrade() -> None:
    op.execute("""
DROP TABLE shift_waves;
DROP TABLE notification_deliveries;
DROP TABLE notifications;
""")
