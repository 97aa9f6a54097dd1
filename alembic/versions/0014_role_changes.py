"""Who may do what changes rarely and is read on every request: each API process keeps the callers it has
seen (api.principals) and forgets them when this notification says their roles may have changed.

Statement-level triggers, so an import of 5,000 workers is one notification, not 5,000.

Revision ID: 0014
Revises: 0013
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLES = ("users", "memberships", "organisations")  # the roles of a principal: flexpool.db.users.PRINCIPAL


def upgrade() -> None:
    op.execute("""
CREATE FUNCTION flexpool_roles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('flexpool_roles', TG_TABLE_NAME);
    RETURN NULL;
END $$;
""")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_roles_changed_trg AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION flexpool_roles_changed()")


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_roles_changed_trg ON {table}")
    op.execute("DROP FUNCTION flexpool_roles_changed()")
