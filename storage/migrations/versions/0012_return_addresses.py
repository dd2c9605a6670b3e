"""return addresses in a table of their own: erasing one deletes its row

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'return_addresses',
        sa.Column('secret_id', sa.Integer(), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['secret_id'], ['secrets.id']),
        sa.PrimaryKeyConstraint('secret_id'),
    )
    with op.batch_alter_table('return_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_addresses_expires_at'), ['expires_at'], unique=False)
    # the addresses still usable move to the new table; erased or expired ones are not carried over
    op.execute(
        "INSERT INTO return_addresses (secret_id, sealed, expires_at) "
        "SELECT id, return_address, return_expires_at FROM secrets "
        "WHERE return_address IS NOT NULL AND return_expires_at IS NOT NULL"
    )
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.drop_column('return_expires_at')
        batch_op.drop_column('return_address')


def downgrade() -> None:
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('return_address', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('return_expires_at', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE secrets SET return_address = (SELECT sealed FROM return_addresses r WHERE r.secret_id = secrets.id), "
        "return_expires_at = (SELECT expires_at FROM return_addresses r WHERE r.secret_id = secrets.id)"
    )
    with op.batch_alter_table('return_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_addresses_expires_at'))
    op.drop_table('return_addresses')
