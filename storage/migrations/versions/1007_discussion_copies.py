"""discussion copies: a channel post's copy in its discussion group, kept in a table of its own

Telegram's automatic forward can reach the bot before the card it copies is recorded as out, so the copy is
kept by the message it copies rather than on the secret (secrets.thread_ref, from 1005, goes).

Revision ID: 1007
Revises: 1006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1007'
down_revision = '1006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'discussion_copies',
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('message_ref', sa.String(length=64), nullable=False),
        sa.Column('copy_ref', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id']),
        sa.PrimaryKeyConstraint('community_id', 'message_ref'),
    )
    # Copies already learnt move to the new table, by their card.
    secrets = sa.table(
        'secrets',
        sa.column('community_id', sa.Integer()),
        sa.column('card_ref', sa.String()),
        sa.column('thread_ref', sa.String()),
    )
    copies = sa.table(
        'discussion_copies',
        sa.column('community_id', sa.Integer()),
        sa.column('message_ref', sa.String()),
        sa.column('copy_ref', sa.String()),
    )
    connection = op.get_bind()
    known = connection.execute(
        sa.select(secrets.c.community_id, secrets.c.card_ref, secrets.c.thread_ref).where(
            secrets.c.thread_ref.is_not(None), secrets.c.card_ref.is_not(None)
        )
    ).fetchall()
    for community_id, card_ref, thread_ref in known:
        connection.execute(
            copies.insert().values(community_id=community_id, message_ref=card_ref, copy_ref=thread_ref)
        )
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.drop_column('thread_ref')


def downgrade() -> None:
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thread_ref', sa.String(length=64), nullable=True))
    op.drop_table('discussion_copies')
