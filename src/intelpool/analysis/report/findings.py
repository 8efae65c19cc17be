"""Key findings: sentences generated from the report's figures, nothing else."""

from __future__ import annotations

from intelpool.analysis.periods import Period
from intelpool.analysis.report.model import Fact, Section, ThemeSection


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _change(now: int, before: int) -> str:
    if before == 0:
        return "with nothing to compare in the period before" if now else "as before"
    change = (now - before) / before * 100
    if abs(change) < 5:
        return f"about as many as in the period before ({before:,})"
    direction = "more" if change > 0 else "fewer"
    return f"{abs(change):.0f}% {direction} than in the period before ({before:,})"


def key_findings(period: Period, total: dict[str, int | None],
                 previous_total: dict[str, int | None],
                 sections: list[ThemeSection], cooperation: list[Section] | None = None
                 ) -> list[str]:
    observations = int(total.get("observations") or 0)
    if not observations:
        return [f"Nothing you may see was reported for {period.label}."]
    out = [
        f"In {period.label}, partners reported {_n(observations, 'observation')} of "
        f"{_n(int(total.get('selectors') or 0), 'distinct selector')} in "
        f"{_n(int(total.get('contributions') or 0), 'contribution')} you may see: "
        f"{_change(observations, int(previous_total.get('observations') or 0))}."]
    top = max(sections, key=lambda s: s.observations, default=None)
    if top is not None and top.observations:
        share = top.observations / observations * 100
        out.append(f"{top.theme} was the most reported theme, with {top.observations:,} "
                   f"observations ({share:.0f}% of the period's).")
    for s in sections:
        if s.previous and s.observations >= 2 * s.previous and s.observations >= 20:
            out.append(f"{s.theme} more than doubled: {s.observations:,} observations "
                       f"against {s.previous:,} in the period before.")
        elif s.previous >= 20 and s.observations * 2 <= s.previous:
            out.append(f"{s.theme} fell by half or more: {s.observations:,} observations "
                       f"against {s.previous:,} in the period before.")
    families = sorted((m for s in sections for m in s.malware), key=lambda m: -m.count)
    if families:
        names = ", ".join(dict.fromkeys(m.subject for m in families[:3]))
        out.append(f"The most reported malware families were {names}.")
    actors = sorted((a for s in sections for a in s.actors), key=lambda a: -a.count)
    if actors:
        out.append(f"The threat actor named most often was {actors[0].subject} "
                   f"({actors[0].count:,} observations in contributions naming it).")
    out += _networks([f for s in sections for x in s.extra for f in x.facts])
    out += _operations([f for s in cooperation or [] for f in s.facts])
    return out


def _networks(facts: list[Fact]) -> list[str]:
    largest = sorted({f.subject: f for f in facts if f.kind == "network"}.values(),
                     key=lambda f: (-f.count, f.subject))
    if not largest:
        return []
    head = largest[0]
    text = (f"The largest proposed network you may see, {head.subject}, holds "
            f"{_n(head.count, 'selector')} from {head.detail}")
    if len(largest) > 1:
        text += "; next: " + ", ".join(f"{f.subject} ({_n(f.count, 'selector')})"
                                        for f in largest[1:3])
    return [text + "."]


def _operations(facts: list[Fact]) -> list[str]:
    totals = {f.kind: f.count for f in facts}
    parts = [f"{totals[k]:,} {k}" for k in ("operations opened", "operations closed",
                                             "action days", "RFIs sent", "RFIs answered")
             if k in totals]
    if not parts:
        return []
    return ["Across the partnership (rounded, under the partnership rules): "
            + ", ".join(parts) + "."]
