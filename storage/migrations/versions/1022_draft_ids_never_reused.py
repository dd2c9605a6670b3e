"""draft ids never reused on SQLite: a Post press carries its draft's id, and one handled again after a
restart (Telegram sends again what was not confirmed) found a new draft of the same text under the id of the
one it had posted (SQLite gives a removed newest row's id to the next row): the secret was posted twice.
AUTOINCREMENT keeps every id ever given; PostgreSQL's sequences never give one twice already

Revision ID: 1022
Revises: 1021
Create Date: 2026-12-01
"""

from alembic import op

revision = '1022'
down_revision = '1021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table('drafts', recreate='always', table_kwargs={'sqlite_autoincrement': True}):
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table('drafts', recreate='always', table_kwargs={'sqlite_autoincrement': False}):
        pass
