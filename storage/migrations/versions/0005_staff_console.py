"""the staff console: accounts, sessions, sign-in failures, the audit log; the message log

Revision ID: 0005
Revises: 0001
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy import Text

import storage.types

revision = '0005'
down_revision = '0001'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('staff_accounts',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('password_changed_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_accounts')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_accounts_username'))
    )
    op.create_table('staff_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', BIG_ID, nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['staff_accounts.id'], name=op.f('fk_staff_sessions_account_id_staff_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_staff_sessions'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_staff_sessions_account', ['account_id'], unique=False)
    op.create_table('staff_sign_in_failures',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sign_in_failures'))
    )
    with op.batch_alter_table('staff_sign_in_failures', schema=None) as batch_op:
        batch_op.create_index('ix_staff_sign_in_failures_username', ['username', 'at'], unique=False)
        batch_op.create_index('ix_staff_sign_in_failures_address', ['address', 'at'], unique=False)
    op.create_table('staff_audit',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=160), nullable=False),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('target', sa.String(length=160), nullable=True),
    sa.Column('detail', JSON, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_audit'))
    )
    with op.batch_alter_table('staff_audit', schema=None) as batch_op:
        batch_op.create_index('ix_staff_audit_at', ['at'], unique=False)
    op.create_table('message_log',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('inbound', sa.Text(), nullable=True),
    sa.Column('outbound', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_message_log_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_log'))
    )
    with op.batch_alter_table('message_log', schema=None) as batch_op:
        batch_op.create_index('ix_message_log_user', ['user_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('message_log', schema=None) as batch_op:
        batch_op.drop_index('ix_message_log_user')
    op.drop_table('message_log')
    with op.batch_alter_table('staff_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_audit_at')
    op.drop_table('staff_audit')
    with op.batch_alter_table('staff_sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_sign_in_failures_username')
        batch_op.drop_index('ix_staff_sign_in_failures_address')
    op.drop_table('staff_sign_in_failures')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_sessions_account')
    op.drop_table('staff_sessions')
    op.drop_table('staff_accounts')
