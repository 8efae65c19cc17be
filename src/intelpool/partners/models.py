"""Plain views of partner rows as services return them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class OrgKind(enum.StrEnum):
    HOST = "host"
    LAW_ENFORCEMENT = "law-enforcement"
    PRIVATE = "private"
    CERT = "cert"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Organisation:
    id: int
    name: str
    kind: OrgKind
    country: str | None


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    organisation: str
    role: str


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A freshly created token: ``secret`` is shown once and never stored."""

    id: int
    secret: str
    email: str
    scopes: tuple[str, ...]
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as listed: never its secret, only the prefix that identifies it."""

    id: int
    email: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class SharingGroup:
    id: int
    name: str
    members: tuple[str, ...]
