"""lease owners: an outbox entry's claim and a card's sending claim name the process instance holding them,
and each running dispatcher beats in ``instances``; a claim whose owner stopped beating is free at once
(after a kill, nothing waits for a whole lease)

Revision ID: 1013
Revises: 1012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1013'
down_revision = '1012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'instances',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('beat_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=32), nullable=True))
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sending_by', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.drop_column('sending_by')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
    op.drop_table('instances')
