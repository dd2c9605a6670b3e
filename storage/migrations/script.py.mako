"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    # Every column added here must be backfilled for the rows already there (an UPDATE after the
    # add_column, or a server default), or be listed in tests/migrations/test_migrations.py LEFT_EMPTY
    # with the reason old rows may stay empty: tests/migrations checks it on data.
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
