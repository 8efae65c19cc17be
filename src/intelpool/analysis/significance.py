"""A significance test for counts: is the last window's count out of line with before?

Two Poisson counts are compared conditionally (the exact "C-test"): given n = x + y events,
with x in the last window and y over the k windows before it, x is Binomial(n, 1/(k+1)) when
the rate did not change. The two-sided p-value is exact up to n = 2000 and a normal
approximation with continuity correction above it.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

ALPHA = 0.01  # strict: three sightings after none are not a surge (p = 1/64)


def _log_pmfs(n: int, p: float) -> npt.NDArray[np.float64]:
    """log P(X = i) for i = 0..n, X ~ Binomial(n, p): one vector of log-gamma terms (the
    sum over outcomes below runs over all of them, once per trend)."""
    i = np.arange(n + 1, dtype=np.float64)
    log_choose = _LOG_FACTORIALS[n] - _LOG_FACTORIALS[: n + 1] - _LOG_FACTORIALS[n::-1]
    logs: npt.NDArray[np.float64] = log_choose + i * math.log(p) + (n - i) * math.log1p(-p)
    return logs


# log(k!) for k = 0..EXACT_UP_TO, shared by every exact test.
EXACT_UP_TO = 2000
_LOG_FACTORIALS = np.array([math.lgamma(k + 1) for k in range(EXACT_UP_TO + 1)])


def change_p_value(last: int, before: int, windows_before: int) -> float:
    """Two-sided p-value that ``last`` comes from the same rate as ``before`` over
    ``windows_before`` windows."""
    n = last + before
    if n == 0 or windows_before <= 0:
        return 1.0
    p = 1.0 / (windows_before + 1)
    if n > EXACT_UP_TO:
        mean, sd = n * p, math.sqrt(n * p * (1 - p))
        z = (abs(last - mean) - 0.5) / sd
        return max(0.0, min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2))))
    logs = _log_pmfs(n, p)
    # Sum the probabilities of outcomes no more likely than the observed one.
    total = float(np.exp(logs[logs <= logs[last] + 1e-9]).sum())
    return min(1.0, total)
