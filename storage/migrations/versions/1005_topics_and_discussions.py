"""forum topics and channels' discussion groups: where a community's cards and replies go on Telegram

Revision ID: 1005
Revises: 1004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1005'
down_revision = '1004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no backfill: communities already there keep publishing in their chat's main topic, with
    # replies in the same chat, as before.
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('discussion_ref', sa.String(length=64), nullable=True))
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thread_ref', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.drop_column('thread_ref')
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.drop_column('discussion_ref')
        batch_op.drop_column('topic_ref')
