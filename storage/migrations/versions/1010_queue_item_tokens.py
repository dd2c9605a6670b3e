"""queue item tokens: moderators' buttons carry a random token instead of the item's id (ids count and order
the items, and a forged id could probe other communities' queues)

Revision ID: 1010
Revises: 1009
Create Date: 2026-12-01
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = '1010'
down_revision = '1009'
branch_labels = None
depends_on = None

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"  # as bot.anonymity.new_token (kept here: revisions are frozen)


def upgrade() -> None:
    with op.batch_alter_table('queue_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=32), nullable=True))

    # Backfill: every item already there gets its token (buttons posted before now answer "expired").
    items = sa.table('queue_items', sa.column('id', sa.Integer()), sa.column('token', sa.String()))
    connection = op.get_bind()
    for (item_id,) in connection.execute(sa.select(items.c.id)).fetchall():
        token = "".join(secrets.choice(ALPHABET) for _ in range(20))
        connection.execute(items.update().where(items.c.id == item_id).values(token=token))

    with op.batch_alter_table('queue_items', schema=None) as batch_op:
        batch_op.alter_column('token', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint('uq_queue_items_token', ['token'])


def downgrade() -> None:
    with op.batch_alter_table('queue_items', schema=None) as batch_op:
        batch_op.drop_constraint('uq_queue_items_token', type_='unique')
        batch_op.drop_column('token')
