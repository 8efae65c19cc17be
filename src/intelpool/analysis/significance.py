"""A significance test for counts: is the last window's count out of line with before?

Two Poisson counts are compared conditionally (the exact "C-test"): given n = x + y events,
with x in the last window and y over the k windows before it, x is Binomial(n, 1/(k+1)) when
the rate did not change. The two-sided p-value is exact up to n = 2000 and a normal
approximation with continuity correction above it.
"""

from __future__ import annotations

import math

ALPHA = 0.01  # strict: three sightings after none are not a surge (p = 1/64)


def _log_pmf(i: int, n: int, p: float) -> float:
    return (math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
            + i * math.log(p) + (n - i) * math.log1p(-p))


def change_p_value(last: int, before: int, windows_before: int) -> float:
    """Two-sided p-value that ``last`` comes from the same rate as ``before`` over
    ``windows_before`` windows."""
    n = last + before
    if n == 0 or windows_before <= 0:
        return 1.0
    p = 1.0 / (windows_before + 1)
    if n > 2000:
        mean, sd = n * p, math.sqrt(n * p * (1 - p))
        z = (abs(last - mean) - 0.5) / sd
        return max(0.0, min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2))))
    observed = _log_pmf(last, n, p)
    # Sum the probabilities of outcomes no more likely than the observed one.
    total = sum(math.exp(lp) for i in range(n + 1)
                if (lp := _log_pmf(i, n, p)) <= observed + 1e-9)
    return min(1.0, total)
