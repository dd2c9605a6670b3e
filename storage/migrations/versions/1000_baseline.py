"""The baseline: every earlier revision (0001-0012) squashed, with the scoped keys of issue 10.

Revision ID: 1000
Revises: (none)
Create Date: 2026-12-01

People are known only by keys of one scope each (bot/anonymity.py): a secret (reactions, reports, salted
authorship tags), a thread (replies, pseudonyms), a community (memberships, join days, bans, reporter
records, moderators' aliases), a community and period (counters), or the person for preferences tied to no
content; a sealed, padded list per person serves /mine.

Upgrading a database made before this baseline: nothing. It held one author key per person,
``HMAC(pepper, "platform:user_id")``, on every table, and a key of a narrower scope can't be derived from it
without the raw platform ids, which were never stored. Converting would keep communities (settings,
moderators' chat, numbering), secrets, replies, reaction and report counts, the audit log, the outbox and
digest claims, but with no author: nobody could list, delete, be crowned on or be banned for what they
wrote before, and memberships, join days, bans, strikes, reporter records, languages, topics, DM-digest
opt-ins, drafts and pending replies would be dropped. Nothing was released with that schema, so no
conversion is offered: storage.migrate refuses such a database with a message saying so (SchemaTooOld).
Later revisions go on from this one (1001, ...); tests/migrations checks each of them against data.
"""

from alembic import op
import sqlalchemy as sa


revision = '1000'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every column added here must be backfilled for the rows already there (an UPDATE after the
    # add_column, or a server default), or be listed in tests/migrations/test_migrations.py LEFT_EMPTY
    # with the reason old rows may stay empty: tests/migrations checks it on data.
    op.create_table('communities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('chat_ref', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('report_threshold', sa.Integer(), nullable=False),
    sa.Column('min_members', sa.Integer(), nullable=False),
    sa.Column('publication_delay_seconds', sa.Integer(), nullable=False),
    sa.Column('hold_new_authors', sa.Boolean(), nullable=False),
    sa.Column('max_secrets_per_day', sa.Integer(), nullable=False),
    sa.Column('max_replies_per_hour', sa.Integer(), nullable=False),
    sa.Column('digest_time', sa.String(length=5), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('public_since', sa.DateTime(), nullable=True),
    sa.Column('collections', sa.String(length=400), nullable=False),
    sa.Column('moderation_chat_ref', sa.String(length=64), nullable=True),
    sa.Column('secret_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'chat_ref')
    )
    op.create_table('digest_readers',
    sa.Column('preference_key', sa.String(length=64), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('preference_key')
    )
    with op.batch_alter_table('digest_readers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_readers_expires_at'), ['expires_at'], unique=False)

    op.create_table('member_digest_runs',
    sa.Column('preference_key', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('preference_key', 'period')
    )
    op.create_table('member_preferences',
    sa.Column('preference_key', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.PrimaryKeyConstraint('preference_key')
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.DateTime(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=64), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_dedupe', ['dedupe_key', 'status'], unique=False)
        batch_op.create_index('ix_outbox_due', ['status', 'not_before'], unique=False)

    op.create_table('own_lists',
    sa.Column('locator', sa.String(length=64), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('locator')
    )
    op.create_table('pending_inputs',
    sa.Column('pending_key', sa.String(length=64), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('pending_key')
    )
    op.create_table('period_counters',
    sa.Column('counter_key', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('counter_key')
    )
    with op.batch_alter_table('period_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_counters_expires_at'), ['expires_at'], unique=False)

    op.create_table('subscriptions',
    sa.Column('preference_key', sa.String(length=64), nullable=False),
    sa.Column('collection', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('preference_key', 'collection')
    )
    op.create_table('digest_runs',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.PrimaryKeyConstraint('community_id', 'period')
    )
    op.create_table('memberships',
    sa.Column('member_key', sa.String(length=64), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.PrimaryKeyConstraint('member_key', 'community_id')
    )
    op.create_table('reporter_records',
    sa.Column('member_key', sa.String(length=64), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('upheld', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.PrimaryKeyConstraint('member_key', 'community_id')
    )
    op.create_table('secrets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_salt', sa.LargeBinary(length=16), nullable=False),
    sa.Column('author_tag', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_warning', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('card_ref', sa.String(length=64), nullable=True),
    sa.Column('author_locale', sa.String(length=8), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('collection', sa.String(length=32), nullable=True),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('sending_until', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('ban_key', sa.LargeBinary(), nullable=True),
    sa.Column('ban_key_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('community_id', 'number'),
    sa.UniqueConstraint('token', name='uq_secrets_token')
    )
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.create_index('ix_secrets_ban_key', ['ban_key_until'], unique=False)
        batch_op.create_index('ix_secrets_collection', ['collection', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_secrets_feed', ['community_id', 'status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_secrets_top', ['community_id', 'status', 'created_at', 'points', 'id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('moderator_key', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('secret_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.ForeignKeyConstraint(['secret_id'], ['secrets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_community', ['community_id', 'at'], unique=False)

    op.create_table('bans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('member_key', sa.String(length=64), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('secret_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.ForeignKeyConstraint(['secret_id'], ['secrets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('bans', schema=None) as batch_op:
        batch_op.create_index('ix_bans_member_community', ['member_key', 'community_id'], unique=False)

    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_salt', sa.LargeBinary(length=16), nullable=False),
    sa.Column('owner_tag', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('secret_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_warning', sa.Boolean(), nullable=False),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('reason_categories', sa.String(length=200), nullable=False),
    sa.Column('collection', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.ForeignKeyConstraint(['secret_id'], ['secrets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('reactions',
    sa.Column('secret_id', sa.Integer(), nullable=False),
    sa.Column('reactor_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['secret_id'], ['secrets.id'], ),
    sa.PrimaryKeyConstraint('secret_id', 'reactor_key', 'kind')
    )
    op.create_table('replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('secret_id', sa.Integer(), nullable=False),
    sa.Column('thread_key', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('pseudonym', sa.String(length=40), nullable=False),
    sa.Column('by_author', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('message_ref', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='published', nullable=False),
    sa.Column('ban_key', sa.LargeBinary(), nullable=True),
    sa.Column('ban_key_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['secret_id'], ['secrets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.create_index('ix_replies_ban_key', ['ban_key_until'], unique=False)
        batch_op.create_index('ix_replies_secret', ['secret_id', 'id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('secret_id', sa.Integer(), nullable=False),
    sa.Column('reporter_key', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sealed_member_key', sa.LargeBinary(), nullable=True),
    sa.Column('sealed_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['secret_id'], ['secrets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('secret_id', 'reporter_key')
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_sealed', ['sealed_until'], unique=False)

    op.create_table('return_addresses',
    sa.Column('secret_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['secret_id'], ['secrets.id'], ),
    sa.PrimaryKeyConstraint('secret_id')
    )
    with op.batch_alter_table('return_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_addresses_expires_at'), ['expires_at'], unique=False)

    op.create_table('thread_names',
    sa.Column('secret_id', sa.Integer(), nullable=False),
    sa.Column('thread_key', sa.String(length=64), nullable=False),
    sa.Column('pseudonym', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['secret_id'], ['secrets.id'], ),
    sa.PrimaryKeyConstraint('secret_id', 'thread_key'),
    sa.UniqueConstraint('secret_id', 'pseudonym')
    )
    op.create_table('queue_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('secret_id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('message_ref', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('reply_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], ),
    sa.ForeignKeyConstraint(['secret_id'], ['secrets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('queue_items', schema=None) as batch_op:
        batch_op.create_index('ix_queue_items_secret', ['secret_id', 'status'], unique=False)

    op.create_table('reply_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('reporter_key', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reply_id', 'reporter_key')
    )


def downgrade() -> None:
    op.drop_table('reply_reports')
    with op.batch_alter_table('queue_items', schema=None) as batch_op:
        batch_op.drop_index('ix_queue_items_secret')

    op.drop_table('queue_items')
    op.drop_table('thread_names')
    with op.batch_alter_table('return_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_addresses_expires_at'))

    op.drop_table('return_addresses')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_sealed')

    op.drop_table('reports')
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_index('ix_replies_secret')
        batch_op.drop_index('ix_replies_ban_key')

    op.drop_table('replies')
    op.drop_table('reactions')
    op.drop_table('drafts')
    with op.batch_alter_table('bans', schema=None) as batch_op:
        batch_op.drop_index('ix_bans_member_community')

    op.drop_table('bans')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_community')

    op.drop_table('audit_log')
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.drop_index('ix_secrets_top')
        batch_op.drop_index('ix_secrets_feed')
        batch_op.drop_index('ix_secrets_collection')
        batch_op.drop_index('ix_secrets_ban_key')

    op.drop_table('secrets')
    op.drop_table('reporter_records')
    op.drop_table('memberships')
    op.drop_table('digest_runs')
    op.drop_table('subscriptions')
    with op.batch_alter_table('period_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_counters_expires_at'))

    op.drop_table('period_counters')
    op.drop_table('pending_inputs')
    op.drop_table('own_lists')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')
        batch_op.drop_index('ix_outbox_dedupe')

    op.drop_table('outbox')
    op.drop_table('member_preferences')
    op.drop_table('member_digest_runs')
    with op.batch_alter_table('digest_readers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_readers_expires_at'))

    op.drop_table('digest_readers')
    op.drop_table('communities')
