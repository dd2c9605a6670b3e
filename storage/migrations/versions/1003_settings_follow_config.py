"""community settings follow the configuration: a community stores only the settings its admins chose

Every settings column of ``communities`` but ``public`` may now be NULL, meaning "the configuration's default,
read at each start", so that a default changed in config.toml reaches every community that never chose that
setting. Existing rows: a value equal to the built-in default becomes NULL unless the audit log shows the
community's admins setting it; any other value is kept as the community's own choice (a value copied from an
operator's config.toml at registration can't be told apart from an admin's choice, so it stays).

Revision ID: 1003
Revises: 1002
Create Date: 2026-12-01
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '1003'
down_revision = '1002'
branch_labels = None
depends_on = None

# The built-in defaults when this revision was written (kept here: revisions are frozen).
BUILT_IN: dict[str, tuple[Any, Any]] = {
    'locale': (sa.String(length=8), 'en'),
    'mode': (sa.String(length=16), 'open'),
    'report_threshold': (sa.Integer(), 3),
    'min_members': (sa.Integer(), 5),
    'publication_delay_seconds': (sa.Integer(), 600),
    'hold_new_authors': (sa.Boolean(), False),
    'max_secrets_per_day': (sa.Integer(), 5),
    'max_replies_per_hour': (sa.Integer(), 20),
    'digest_time': (sa.String(length=5), '20:00'),
    'timezone': (sa.String(length=64), 'UTC'),
    'collections': (sa.String(length=400), 'love,work,school,family,friends,health,money,funny'),
}
NULLABLE: dict[str, Any] = {**{name: kind for name, (kind, _) in BUILT_IN.items()}, 'public': sa.Boolean()}


def upgrade() -> None:
    with op.batch_alter_table('communities', schema=None) as batch_op:
        for name, kind in NULLABLE.items():
            batch_op.alter_column(name, existing_type=kind, nullable=True)

    communities = sa.table('communities', sa.column('id', sa.Integer()), *(sa.column(n) for n in BUILT_IN))
    audit = sa.table(
        'audit_log', sa.column('community_id', sa.Integer()), sa.column('action'), sa.column('detail')
    )
    connection = op.get_bind()
    chosen = {
        (community_id, str(detail).removeprefix('setting:'))
        for community_id, detail in connection.execute(
            sa.select(audit.c.community_id, audit.c.detail).where(audit.c.action == 'setting')
        )
    }
    rows = connection.execute(sa.select(communities.c.id, *(communities.c[n] for n in BUILT_IN))).fetchall()
    for row in rows:
        follow = {
            name: None
            for name, (_, default) in BUILT_IN.items()
            if getattr(row, name) == default and (row.id, name) not in chosen
        }
        if follow:
            connection.execute(communities.update().where(communities.c.id == row.id).values(**follow))


def downgrade() -> None:
    communities = sa.table('communities', *(sa.column(n) for n in BUILT_IN))
    connection = op.get_bind()
    for name, (_, default) in BUILT_IN.items():
        connection.execute(
            communities.update().where(communities.c[name].is_(None)).values({name: default})
        )
    with op.batch_alter_table('communities', schema=None) as batch_op:
        for name, kind in NULLABLE.items():
            batch_op.alter_column(name, existing_type=kind, nullable=False)
