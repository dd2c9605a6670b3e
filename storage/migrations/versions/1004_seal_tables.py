"""seal tables: sealed ban and reporter keys in rows of their own, erased by DELETE

The author's and replier's community keys sealed for a moderator's ban, and the reporter's community key sealed
until the moderators judge, were columns set to null to erase them; on PostgreSQL that UPDATE writes a new row
version and leaves the sealed value in the old one until VACUUM. They move to tables of their own (as return
addresses did), whose rows are deleted; values still live are moved, the columns dropped.

Revision ID: 1004
Revises: 1003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1004'
down_revision = '1003'
branch_labels = None
depends_on = None

SEALS = (  # table, key column, referenced table, old value column, old expiry column, old index
    ('secret_ban_keys', 'secret_id', 'secrets', 'ban_key', 'ban_key_until', 'ix_secrets_ban_key'),
    ('reply_ban_keys', 'reply_id', 'replies', 'ban_key', 'ban_key_until', 'ix_replies_ban_key'),
    ('reporter_seals', 'report_id', 'reports', 'sealed_member_key', 'sealed_until', 'ix_reports_sealed'),
)


def upgrade() -> None:
    for table, key, source, value, until, index in SEALS:
        op.create_table(
            table,
            sa.Column(key, sa.Integer(), nullable=False),
            sa.Column('sealed', sa.LargeBinary(), nullable=False),
            sa.Column('expires_at', sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint([key], [f'{source}.id'], ondelete='CASCADE'),
            sa.PrimaryKeyConstraint(key),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_expires_at'), ['expires_at'], unique=False)
        op.execute(
            f'INSERT INTO {table} ({key}, sealed, expires_at) '
            f'SELECT id, {value}, {until} FROM {source} WHERE {value} IS NOT NULL AND {until} IS NOT NULL'
        )
        with op.batch_alter_table(source, schema=None) as batch_op:
            batch_op.drop_index(index)
            batch_op.drop_column(value)
            batch_op.drop_column(until)


def downgrade() -> None:
    for table, key, source, value, until, index in reversed(SEALS):
        with op.batch_alter_table(source, schema=None) as batch_op:
            batch_op.add_column(sa.Column(value, sa.LargeBinary(), nullable=True))
            batch_op.add_column(sa.Column(until, sa.DateTime(), nullable=True))
            batch_op.create_index(index, [until], unique=False)
        op.execute(
            f'UPDATE {source} SET {value} = (SELECT sealed FROM {table} WHERE {table}.{key} = {source}.id), '
            f'{until} = (SELECT expires_at FROM {table} WHERE {table}.{key} = {source}.id)'
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_expires_at'))
        op.drop_table(table)
