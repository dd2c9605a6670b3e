"""public since

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_since', sa.DateTime(), nullable=True))

    # Backfill: a community that was public before this revision shared everything it had published, so it
    # stays public from its creation; without this it would drop out of the public feeds.
    communities = sa.table(
        'communities',
        sa.column('public', sa.Boolean()),
        sa.column('public_since', sa.DateTime()),
        sa.column('created_at', sa.DateTime()),
    )
    op.execute(
        communities.update()
        .where(communities.c.public == sa.true(), communities.c.public_since.is_(None))
        .values(public_since=communities.c.created_at)
    )


def downgrade() -> None:
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.drop_column('public_since')
