"""Errors a user sees: each carries one clear line saying what went wrong."""


class IntelpoolError(Exception):
    """A failure the user can act on; interfaces print its message as one line."""


class NotFound(IntelpoolError):
    """The named thing does not exist, or the caller may not know that it does."""


class Forbidden(IntelpoolError):
    """The caller lacks the permission for this action."""


class InvalidInput(IntelpoolError):
    """Input that the pool refuses as a whole (a malformed file, a bad option)."""


class HandlingError(InvalidInput):
    """A handling combination the model does not allow (e.g. TLP:RED to the pool)."""


class Conflict(InvalidInput):
    """The request clashes with the pool's state: a name already taken, a decision already made."""


class NotSupported(IntelpoolError):
    """A capability intelpool does not provide (yet); says so instead of guessing."""
