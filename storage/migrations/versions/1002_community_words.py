"""community words: each community's own word list (block or review), applied on top of the filter

Revision ID: 1002
Revises: 1001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1002'
down_revision = '1001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: communities already there start with an empty list.
    op.create_table(
        'community_words',
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('term', sa.String(length=100), nullable=False),
        sa.Column('verdict', sa.String(length=8), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id']),
        sa.PrimaryKeyConstraint('community_id', 'term'),
    )


def downgrade() -> None:
    op.drop_table('community_words')
