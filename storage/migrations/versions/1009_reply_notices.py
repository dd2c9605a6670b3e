"""reply notices: an author's opt-in, per secret, to hear about replies in DM

Revision ID: 1009
Revises: 1008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1009'
down_revision = '1008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_replies', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'reply_notices',
        sa.Column('secret_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('pending', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['secret_id'], ['secrets.id']),
        sa.PrimaryKeyConstraint('secret_id'),
        sa.UniqueConstraint('token', name='uq_reply_notices_token'),
    )
    with op.batch_alter_table('reply_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_notices_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reply_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_notices_expires_at'))
    op.drop_table('reply_notices')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('notify_replies')
