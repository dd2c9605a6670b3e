"""secret tokens: buttons and deep links carry a random token instead of the secret's id

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"  # as bot.anonymity.new_token (kept here: revisions are frozen)


def upgrade() -> None:
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=32), nullable=True))

    # Backfill: every secret already there gets its token; cards posted before keep their old buttons,
    # which now answer "not available" (their ids are no longer read), and get new ones at their next edit.
    secrets_table = sa.table('secrets', sa.column('id', sa.Integer()), sa.column('token', sa.String()))
    connection = op.get_bind()
    for (secret_id,) in connection.execute(sa.select(secrets_table.c.id)).fetchall():
        token = "".join(secrets.choice(ALPHABET) for _ in range(20))
        connection.execute(secrets_table.update().where(secrets_table.c.id == secret_id).values(token=token))

    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.alter_column('token', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint('uq_secrets_token', ['token'])


def downgrade() -> None:
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.drop_constraint('uq_secrets_token', type_='unique')
        batch_op.drop_column('token')
