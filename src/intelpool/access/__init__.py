"""The one place where authorisation is decided: principals, permissions, handling, visibility."""

from intelpool.access.permissions import Permission, Role, require
from intelpool.access.principal import Principal

__all__ = ["Permission", "Principal", "Role", "require"]
