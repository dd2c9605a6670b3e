"""published at

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))

    # Backfill: feeds were ordered by creation before this revision; a card already out keeps that place
    # (published "when it was written"), instead of sinking below every card published after the upgrade.
    secrets = sa.table(
        'secrets',
        sa.column('card_ref', sa.String()),
        sa.column('published_at', sa.DateTime()),
        sa.column('created_at', sa.DateTime()),
    )
    op.execute(
        secrets.update()
        .where(secrets.c.card_ref.is_not(None), secrets.c.published_at.is_(None))
        .values(published_at=secrets.c.created_at)
    )


def downgrade() -> None:
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.drop_column('published_at')
