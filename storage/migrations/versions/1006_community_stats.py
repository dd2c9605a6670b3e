"""community stats: daily counters per community and kind (posted, published, held, blocked, reported,
removed) for the admins' /stats; counts only, nothing about who

Revision ID: 1006
Revises: 1005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1006'
down_revision = '1005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('community_stats',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.PrimaryKeyConstraint('community_id', 'day', 'kind')
    )


def downgrade() -> None:
    op.drop_table('community_stats')
