"""Who is asking: a user of one organisation, with the permissions of its role and token."""

from __future__ import annotations

from dataclasses import dataclass

from intelpool.access.permissions import Permission, Role


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int | None
    email: str
    organisation_id: int | None
    organisation_name: str
    role: Role | None
    permissions: frozenset[Permission]

    @classmethod
    def operator(cls) -> Principal:
        """The local console operator: manages membership, sees no content (no organisation)."""
        return cls(
            user_id=None,
            email="operator",
            organisation_id=None,
            organisation_name="(console operator)",
            role=None,
            permissions=frozenset({Permission.PARTNERS_MANAGE, Permission.ORG_USERS_MANAGE}),
        )

    @property
    def is_operator(self) -> bool:
        return self.user_id is None

    def describe(self) -> str:
        return self.email if self.is_operator else f"{self.email} ({self.organisation_name})"
