"""reply tokens: a reply's buttons and links carry a random token instead of its id

Revision ID: 1001
Revises: 1000
Create Date: 2026-12-01
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = '1001'
down_revision = '1000'
branch_labels = None
depends_on = None

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"  # as bot.anonymity.new_token (kept here: revisions are frozen)


def upgrade() -> None:
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=32), nullable=True))

    # Backfill: every reply already there gets its token (buttons posted before now answer "not available").
    replies = sa.table('replies', sa.column('id', sa.Integer()), sa.column('token', sa.String()))
    connection = op.get_bind()
    for (reply_id,) in connection.execute(sa.select(replies.c.id)).fetchall():
        token = "".join(secrets.choice(ALPHABET) for _ in range(20))
        connection.execute(replies.update().where(replies.c.id == reply_id).values(token=token))

    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.alter_column('token', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint('uq_replies_token', ['token'])


def downgrade() -> None:
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_constraint('uq_replies_token', type_='unique')
        batch_op.drop_column('token')
