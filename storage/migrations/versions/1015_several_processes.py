"""several processes on one database: outbox entries say which messenger delivers them (a process claims only
its own); leases (what one process at a time may do: poll a Telegram bot's updates); events marked as seen
(a Telegram update a webhook delivers twice is handled once); send slots (Telegram's limits counted over
every process)

Revision ID: 1015
Revises: 1014
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1015'
down_revision = '1014'
branch_labels = None
depends_on = None


# each kind of entry by the field that leads to its messenger (as bot.outbox's carriers; kept here: revisions
# are frozen)
BY_COMMUNITY = {'welcome': 'community_id', 'digest': 'community_id'}
BY_SECRET = {'card': 'secret_id', 'refresh': 'secret_id', 'notify': 'secret_id', 'reply_notice': 'secret_id'}
BY_REPLY = {'reply': 'reply_id', 'reply_refresh': 'reply_id'}
BY_ITEM = {'queue': 'item_id', 'queue_refresh': 'item_id'}


def _platform(connection: sa.Connection, kind: str, payload: object) -> str | None:
    if not isinstance(payload, dict):
        return None
    if kind == 'dm_digest':
        query = 'SELECT platform FROM digest_readers WHERE preference_key = :id'
        value = payload.get('author_key')
    elif kind in BY_COMMUNITY:
        query = 'SELECT platform FROM communities WHERE id = :id'
        value = payload.get(BY_COMMUNITY[kind])
    elif kind in BY_SECRET:
        query = (
            'SELECT c.platform FROM communities c JOIN secrets s ON s.community_id = c.id WHERE s.id = :id'
        )
        value = payload.get(BY_SECRET[kind])
    elif kind in BY_REPLY:
        query = (
            'SELECT c.platform FROM communities c JOIN secrets s ON s.community_id = c.id '
            'JOIN replies r ON r.secret_id = s.id WHERE r.id = :id'
        )
        value = payload.get(BY_REPLY[kind])
    elif kind in BY_ITEM:
        query = (
            'SELECT c.platform FROM communities c JOIN queue_items q ON q.community_id = c.id WHERE q.id = :id'
        )
        value = payload.get(BY_ITEM[kind])
    else:
        return None
    if value is None:
        return None
    return connection.execute(sa.text(query), {'id': value}).scalar()


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform', sa.String(length=16), nullable=True))
    # Backfill: each waiting entry gets its messenger; one whose record is gone keeps none (any process
    # claims it, as every entry was before).
    outbox = sa.table(
        'outbox',
        sa.column('id', sa.Integer()),
        sa.column('kind', sa.String()),
        sa.column('payload', sa.JSON()),
        sa.column('platform', sa.String()),
    )
    connection = op.get_bind()
    for entry_id, kind, payload in connection.execute(
        sa.select(outbox.c.id, outbox.c.kind, outbox.c.payload)
    ).fetchall():
        platform = _platform(connection, kind, payload)
        if platform is not None:
            connection.execute(outbox.update().where(outbox.c.id == entry_id).values(platform=platform))
    op.create_table(
        'leases',
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('holder', sa.String(length=32), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    op.create_table(
        'seen_events',
        sa.Column('source', sa.String(length=80), nullable=False),
        sa.Column('event_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('seen_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('source', 'event_id'),
    )
    with op.batch_alter_table('seen_events', schema=None) as batch_op:
        batch_op.create_index('ix_seen_events_seen_at', ['seen_at'], unique=False)
    op.create_table(
        'send_slots',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('slot', sa.BigInteger(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('send_slots', schema=None) as batch_op:
        batch_op.create_index('ix_send_slots_key_at', ['key', 'at'], unique=False)
        batch_op.create_index('ix_send_slots_slot', ['slot'], unique=False)


def downgrade() -> None:
    op.drop_table('send_slots')
    op.drop_table('seen_events')
    op.drop_table('leases')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('platform')
