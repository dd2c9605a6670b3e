"""member digest time: a member's daily DM digest comes at the local time and in the time zone they chose
(``/digest 08:30 Europe/Paris``); the readers already there keep the time it had, 19:00 UTC. The claims
of member digests get an index on their time: read in one query by the digest job, erased a week on

Revision ID: 1012
Revises: 1011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1012'
down_revision = '1011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('digest_readers', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('local_time', sa.String(length=5), server_default='19:00', nullable=False)
        )
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), server_default='UTC', nullable=False))
    # the digest job reads the recent claims at once, and the sweep erases the old ones
    with op.batch_alter_table('member_digest_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_digest_runs_claimed_at'), ['claimed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('member_digest_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_digest_runs_claimed_at'))
    with op.batch_alter_table('digest_readers', schema=None) as batch_op:
        batch_op.drop_column('timezone')
        batch_op.drop_column('local_time')
