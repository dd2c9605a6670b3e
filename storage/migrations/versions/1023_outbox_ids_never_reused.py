"""outbox ids never reused on SQLite: a card's refresh held back while a press's answer shows the card is
called off by its id once the answer is in; delivered meanwhile (an answer slower than the hold), its row
was removed, and SQLite gave a removed newest row's id to the next row, so the late call-off removed that
message instead (a new secret's card). AUTOINCREMENT keeps every id ever given; PostgreSQL's sequences never
give one twice already

Revision ID: 1023
Revises: 1022
Create Date: 2026-12-01
"""

from alembic import op

revision = '1023'
down_revision = '1022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table('outbox', recreate='always', table_kwargs={'sqlite_autoincrement': True}):
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table('outbox', recreate='always', table_kwargs={'sqlite_autoincrement': False}):
        pass
