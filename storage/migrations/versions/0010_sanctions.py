"""sanctions: what a ban was given for, and its lifting

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lifted_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_bans_secret_id_secrets', 'secrets', ['secret_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('bans', schema=None) as batch_op:
        batch_op.drop_constraint('fk_bans_secret_id_secrets', type_='foreignkey')
        batch_op.drop_column('lifted_at')
        batch_op.drop_column('secret_id')
