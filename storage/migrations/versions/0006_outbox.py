"""the outbox: when a delivery is next tried, and who is sending it until when

Revision ID: 0006
Revises: 0008
Create Date: 2026-12-02
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import storage.types

revision = '0006'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deliveries') as batch:
        batch.add_column(sa.Column('next_attempt_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('claimed_until', storage.types.UTCDateTime(timezone=True), nullable=True))
    op.create_index('ix_deliveries_due', 'deliveries', ['channel', 'outcome', 'next_attempt_at'])
    # Rows the old code left half-way: `pending` (claimed, never finished) and Telegram's `sending`
    # could have gone out; they are settled as unconfirmed rather than sent twice.
    op.execute("UPDATE deliveries SET outcome = 'unconfirmed' WHERE outcome IN ('pending', 'sending')")
    op.execute("UPDATE deliveries SET outcome = 'sent' WHERE outcome = 'replied'")


def downgrade() -> None:
    op.drop_index('ix_deliveries_due', table_name='deliveries')
    with op.batch_alter_table('deliveries') as batch:
        batch.drop_column('claimed_until')
        batch.drop_column('claimed_by')
        batch.drop_column('next_attempt_at')
