"""picture files: a photo's bytes in the database or, with `[pictures] storage = "folder"`, in a file of the
pictures folder that the row names (a random token); secrets.picture: posted with a photo

Revision ID: 1014
Revises: 1013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '1014'
down_revision = '1013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pictures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file', sa.String(length=40), nullable=True))
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=True)
    # a secret remembers it was posted with a photo: its card shows a placeholder in the photo's place once
    # the photo is erased (deleted by its author, or removed by moderators)
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('picture', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE secrets SET picture = true WHERE id IN (SELECT secret_id FROM pictures)")


def downgrade() -> None:
    # photos kept as files have no bytes in the database: a downgrade would leave rows without a photo
    op.execute("DELETE FROM pictures WHERE data IS NULL")
    with op.batch_alter_table('pictures', schema=None) as batch_op:
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('file')
    with op.batch_alter_table('secrets', schema=None) as batch_op:
        batch_op.drop_column('picture')
