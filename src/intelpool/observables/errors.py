"""The one error every canonicaliser raises."""

from __future__ import annotations


class InvalidObservable(ValueError):
    """A value that is not a valid selector of its type; the message is the reason.

    ``shown_value`` is set when the submitted value itself must not be shown or stored (it
    held a full payment card number): whoever records the rejection records it instead.
    """

    def __init__(self, reason: str, *, shown_value: str | None = None) -> None:
        super().__init__(reason)
        self.shown_value = shown_value
