"""an event a platform may deliver twice is claimed by the process handling it (seen_events.holder, renewed
while it handles it), then marked handled (no holder): a second delivery while it is handled waits, one after
a process died while handling it is handled by another

Revision ID: 1016
Revises: 1015
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1016'
down_revision = '1015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the events already marked were handled (no holder)
    with op.batch_alter_table('seen_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_seen_events_holder', ['holder'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('seen_events', schema=None) as batch_op:
        batch_op.drop_index('ix_seen_events_holder')
        batch_op.drop_column('holder')
