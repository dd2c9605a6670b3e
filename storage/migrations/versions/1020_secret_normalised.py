"""A secret keeps its text normalised as the duplicate check compares it, written with the text and erased
with it: a member's new secret is compared with their recent ones without normalising each of them again at
every post

Revision ID: 1020
Revises: 1019
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1020'
down_revision = '1019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('secrets') as batch_op:
        batch_op.add_column(sa.Column('normalised', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('secrets') as batch_op:
        batch_op.drop_column('normalised')
