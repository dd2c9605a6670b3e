"""Reply notices claimed before they go out: each notice is a numbered batch of an author's replies, taken
from the replies not yet told (and committed) before it is sent, so that a send retried after a lost answer
or a kill tells nothing twice; the batch's number names the message (Discord's nonce)

Revision ID: 1019
Revises: 1018
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1019'
down_revision = '1018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reply_notices') as batch_op:
        batch_op.add_column(sa.Column('batch', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('reply_notices') as batch_op:
        batch_op.drop_column('batch')
