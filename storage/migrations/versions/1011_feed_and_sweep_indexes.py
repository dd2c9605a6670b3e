"""feed and sweep indexes: a member's /latest reads each of their communities' newest cards from an index
(community, status, publication time), and the hourly sweep finds removed secrets and replies by status and
age instead of reading every row

Revision ID: 1011
Revises: 1010
Create Date: 2026-12-01
"""

from alembic import op

revision = '1011'
down_revision = '1010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_secrets_latest', 'secrets', ['community_id', 'status', 'published_at', 'id'])
    op.create_index('ix_secrets_status', 'secrets', ['status', 'created_at'])
    op.create_index('ix_replies_status', 'replies', ['status', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_replies_status', table_name='replies')
    op.drop_index('ix_secrets_status', table_name='secrets')
    op.drop_index('ix_secrets_latest', table_name='secrets')
