"""Permissions as one enum (``domain:action``); roles and token scopes grant sets of them."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from intelpool.errors import Forbidden

if TYPE_CHECKING:
    from intelpool.access.principal import Principal


class Permission(enum.StrEnum):
    POOL_READ = "pool:read"
    POOL_SUBMIT = "pool:submit"
    ANALYSIS_RUN = "analysis:run"
    ACCESS_DECIDE = "access:decide"
    OPERATIONS_MANAGE = "operations:manage"
    ORG_USERS_MANAGE = "org:users-manage"
    ORG_AUDIT_READ = "org:audit-read"
    PARTNERS_MANAGE = "partners:manage"


class Role(enum.StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    CONTRIBUTOR = "contributor"
    READER = "reader"


class Scope(enum.StrEnum):
    READ = "read"
    SUBMIT = "submit"
    ADMIN = "admin"


_READER = frozenset({Permission.POOL_READ})
_CONTRIBUTOR = _READER | {Permission.POOL_SUBMIT, Permission.ACCESS_DECIDE}
_ANALYST = _CONTRIBUTOR | {Permission.ANALYSIS_RUN, Permission.OPERATIONS_MANAGE}
_ADMIN = _ANALYST | {Permission.ORG_USERS_MANAGE, Permission.ORG_AUDIT_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.READER: _READER,
    Role.CONTRIBUTOR: _CONTRIBUTOR,
    Role.ANALYST: _ANALYST,
    Role.ADMIN: _ADMIN,
}
# Only an admin of the host organisation manages organisations and sharing groups.
HOST_ADMIN_EXTRA = frozenset({Permission.PARTNERS_MANAGE})

SCOPE_PERMISSIONS: dict[Scope, frozenset[Permission]] = {
    Scope.READ: frozenset({Permission.POOL_READ, Permission.ANALYSIS_RUN}),
    Scope.SUBMIT: frozenset(
        {Permission.POOL_SUBMIT, Permission.ACCESS_DECIDE, Permission.OPERATIONS_MANAGE}
    ),
    Scope.ADMIN: frozenset(
        {Permission.ORG_USERS_MANAGE, Permission.ORG_AUDIT_READ, Permission.PARTNERS_MANAGE}
    ),
}


def permissions_for(
    role: Role, *, host_organisation: bool, scopes: frozenset[Scope] | None
) -> frozenset[Permission]:
    """What a user of ``role`` may do; a token narrows it to its scopes, never widens it."""
    granted = ROLE_PERMISSIONS[role]
    if role is Role.ADMIN and host_organisation:
        granted = granted | HOST_ADMIN_EXTRA
    if scopes is None:
        return granted
    allowed: frozenset[Permission] = frozenset().union(*(SCOPE_PERMISSIONS[s] for s in scopes))
    return granted & allowed


def require(principal: Principal, permission: Permission) -> None:
    if permission not in principal.permissions:
        raise Forbidden(f"{principal.describe()} lacks the permission {permission.value}")
