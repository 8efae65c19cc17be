"""A limit on failed sign-ins, per e-mail address and per client address."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

WINDOW_SECONDS = 15 * 60
PER_ACCOUNT = 5  # failures within the window before an e-mail address is held back
PER_CLIENT = 20  # ... and before a client address is


class SignInLimiter:
    """Kept in the serving process: failures are counted in memory, within a sliding window."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        found = self._failures[key]
        while found and found[0] <= now - WINDOW_SECONDS:
            found.popleft()
        return found

    def blocked(self, email: str, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return (len(self._recent(f"e:{email.strip().lower()}", now)) >= PER_ACCOUNT
                    or len(self._recent(f"c:{client}", now)) >= PER_CLIENT)

    def failed(self, email: str, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(f"e:{email.strip().lower()}", now).append(now)
            self._recent(f"c:{client}", now).append(now)

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(f"e:{email.strip().lower()}", None)
