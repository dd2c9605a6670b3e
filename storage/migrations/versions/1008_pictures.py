"""pictures: one re-encoded photo per secret (or draft), and each community's policy for photos

Revision ID: 1008
Revises: 1007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op


revision = '1008'
down_revision = '1007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pictures', sa.String(length=8), nullable=True))  # NULL: the configured default
    op.create_table(
        'pictures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=True),
        sa.Column('secret_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['drafts.id']),
        sa.ForeignKeyConstraint(['secret_id'], ['secrets.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token', name='uq_pictures_token'),
    )
    with op.batch_alter_table('pictures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pictures_draft_id'), ['draft_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pictures_secret_id'), ['secret_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pictures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pictures_secret_id'))
        batch_op.drop_index(batch_op.f('ix_pictures_draft_id'))
    op.drop_table('pictures')
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.drop_column('pictures')
