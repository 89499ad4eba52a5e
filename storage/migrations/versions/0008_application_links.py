"""application links: a second chat account that staff linked to an application

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-02
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import storage.types

revision = '0008'
down_revision = '0005'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('application_links',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('application_id', BIG_ID, nullable=False),
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('linked_by', sa.String(length=160), nullable=False),
    sa.Column('linked_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_links_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_application_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_links')),
    sa.UniqueConstraint('application_id', 'user_id', name='uq_application_links_application_user')
    )
    with op.batch_alter_table('application_links', schema=None) as batch_op:
        batch_op.create_index('ix_application_links_user', ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('application_links', schema=None) as batch_op:
        batch_op.drop_index('ix_application_links_user')
    op.drop_table('application_links')
