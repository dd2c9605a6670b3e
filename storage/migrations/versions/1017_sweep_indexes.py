"""sweep indexes: the hourly sweep finds removed secrets and replies that still hold a text through partial
indexes holding only those, instead of (status, created_at) indexes that hold every removed row (read in
full each hour once a week has passed, and growing with the table); and stale drafts by age

Revision ID: 1017
Revises: 1016
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1017'
down_revision = '1016'
branch_labels = None
depends_on = None

REMOVED_WITH_TEXT = "status = 'removed' AND text <> ''"  # as storage.tables (kept here: revisions are frozen)


def upgrade() -> None:
    for table, name in (('secrets', 'ix_secrets_removed_text'), ('replies', 'ix_replies_removed_text')):
        op.create_index(
            name,
            table,
            ['created_at'],
            sqlite_where=sa.text(REMOVED_WITH_TEXT),
            postgresql_where=sa.text(REMOVED_WITH_TEXT),
        )
    op.drop_index('ix_secrets_status', table_name='secrets')
    op.drop_index('ix_replies_status', table_name='replies')
    op.create_index('ix_drafts_created_at', 'drafts', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_drafts_created_at', table_name='drafts')
    op.create_index('ix_replies_status', 'replies', ['status', 'created_at'])
    op.create_index('ix_secrets_status', 'secrets', ['status', 'created_at'])
    op.drop_index('ix_replies_removed_text', table_name='replies')
    op.drop_index('ix_secrets_removed_text', table_name='secrets')
