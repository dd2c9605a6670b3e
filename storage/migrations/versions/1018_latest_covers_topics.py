"""/latest's index covers the followed topics: ix_secrets_latest also holds each secret's collection and
creation time, so that a public community's source in a member's /latest (its secrets in the followed topics
since it became public) is read from the index alone, as the member's own communities are: at one million
secrets, reading those rows from the table was most of a /latest page with topics

Revision ID: 1018
Revises: 1017
Create Date: 2026-12-01
"""

from alembic import op

revision = '1018'
down_revision = '1017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_secrets_latest', table_name='secrets')
    op.create_index(
        'ix_secrets_latest', 'secrets', ['community_id', 'status', 'published_at', 'id', 'collection', 'created_at']
    )


def downgrade() -> None:
    op.drop_index('ix_secrets_latest', table_name='secrets')
    op.create_index('ix_secrets_latest', 'secrets', ['community_id', 'status', 'published_at', 'id'])
