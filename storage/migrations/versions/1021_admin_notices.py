"""admin notices: a notice to a community's admins (a right missing, a moderators' chat read by people who aren't
admins) claimed once per period in the database, so that several processes and restarts send it once

Revision ID: 1021
Revises: 1020
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1021'
down_revision = '1020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'admin_notices',
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id']),
        sa.PrimaryKeyConstraint('community_id', 'kind', 'period'),
    )


def downgrade() -> None:
    op.drop_table('admin_notices')
