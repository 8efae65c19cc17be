"""feed secrets encrypted: passwords and tokens of feeds stored before are sealed

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-04 19:00:00.000000

Feeds added before this revision kept their password or token in plain text. Upgrading seals
each with the pool's key (INTELPOOL_SECRET_KEY, or the embedded pool's key file, made here
when missing). A PostgreSQL pool holding such secrets without the setting cannot be upgraded
until the setting is given: leaving them in plain text would defeat the revision. Downgrading
opens them again, since the code before it reads plain text.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from intelpool.config import environment
from intelpool.pool import feed_secrets

revision: str = '0019'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_feeds = sa.table('feed_sources', sa.column('id', sa.Integer), sa.column('name', sa.String),
                  sa.column('url', sa.Text), sa.column('secret', sa.Text))


def _rewrite(sealing: bool) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_feeds).where(_feeds.c.secret.is_not(None),
                                                _feeds.c.secret != '')).all()
    for row in rows:
        if feed_secrets.is_sealed(row.secret) == sealing:
            continue  # already as this revision wants it
        key = feed_secrets.pool_key(bind.engine.url, environment('SECRET_KEY'),
                                    create=sealing, feed=row.name)
        value = (feed_secrets.seal(key, row.name, row.url, row.secret) if sealing
                 else feed_secrets.unseal(key, row.name, row.url, row.secret))
        bind.execute(sa.update(_feeds).where(_feeds.c.id == row.id).values(secret=value))


def upgrade() -> None:
    _rewrite(sealing=True)


def downgrade() -> None:
    _rewrite(sealing=False)
