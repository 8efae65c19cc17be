"""Assemble a threat assessment from what the viewer may see, for one period and theme set."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import Connection

from intelpool.access import Permission, Principal, require
from intelpool.access.disclosure import TOTAL, DisclosureRules, ProtectedTable
from intelpool.access.handling import PAP, TLP
from intelpool.analysis.dimensions import NONE_LABEL
from intelpool.analysis.periods import Period, previous
from intelpool.analysis.report import charts, queries, sections
from intelpool.analysis.report.findings import key_findings
from intelpool.analysis.report.model import (
    COOPERATION_SECTION_BUILDERS,
    THEME_SECTION_BUILDERS,
    Ranked,
    Report,
    ReportContext,
    Section,
    ThemeSection,
)
from intelpool.analysis.statistics import visible_statistics
from intelpool.analysis.trends import Trend, Windows, trends_by_theme

_THEME_CATEGORIES = ("malware", "threat-actor", "network", "tld")


def build_report(conn: Connection, principal: Principal, period: Period,
                 themes: tuple[str, ...], rules: DisclosureRules) -> Report:
    require(principal, Permission.POOL_READ)
    sections.register()
    annex = queries.drawn_on(conn, principal, period, themes)
    monthly = visible_statistics(conn, principal, ("theme", "month"), period)
    current = visible_statistics(conn, principal, ("theme",), period)
    before = visible_statistics(conn, principal, ("theme",), previous(period))
    months = sorted({k[1] for k in monthly.cells if k[1] != TOTAL})
    per_theme: dict[str, dict[str, int]] = defaultdict(dict)
    for (theme, month), row in monthly.cells.items():
        if theme != TOTAL and month != TOTAL and (not themes or theme in themes):
            per_theme[theme][month] = int(row["observations"] or 0)
    chosen = sorted(per_theme, key=lambda t: -sum(per_theme[t].values()))
    context = ReportContext(conn, principal, period, themes, rules, tuple(chosen))
    windows = Windows(period.end, period.end - period.start, 2, period.label)
    found = trends_by_theme(conn, principal, windows, chosen, _THEME_CATEGORIES)
    theme_sections = [_theme_section(context, t, current.cells, before.cells, months,
                               per_theme[t], found[t]) for t in chosen]
    overview = charts.monthly_bars(
        months, {_label(t): [per_theme[t].get(m, 0) for m in months] for t in chosen},
        "Observations per month and theme") if chosen else ""
    total = current.cells.get((TOTAL,), {})
    previous_total = before.cells.get((TOTAL,), {})
    cooperation = _cooperation(context, rules)
    # What the extra sections draw on joins the annex, and so the marking.
    listed = {e.id for e in annex}
    extra = {c for t in theme_sections for s in t.extra for c in s.contributions} | {
        c for s in cooperation for c in s.contributions}
    annex = sorted(annex + queries.entries(conn, principal, sorted(extra - listed)),
                   key=lambda e: e.id)
    tlp, pap = TLP.CLEAR, PAP.CLEAR
    for entry in annex:
        tlp, pap = tlp.stricter(TLP(entry.tlp)), pap.stricter(PAP(entry.pap))
    codes = sorted({c for e in annex for c in e.codes.split(",") if c})
    findings = key_findings(period, total, previous_total, theme_sections, cooperation)
    return Report(
        title="Threat assessment" + (f": {', '.join(themes)}" if themes else ""),
        period=period.label, audience=principal.organisation_name,
        generated_at=datetime.now(UTC), tlp=tlp.value, pap=pap.value, codes=codes,
        h3=queries.h3_texts(conn, [e.id for e in annex]), findings=findings,
        overview_svg=overview, themes=theme_sections,
        cooperation=cooperation, annex=annex, rules=rules.text())


def _label(theme: str) -> str:
    return "no theme given" if theme == NONE_LABEL else theme


def _ranked(trends: list[Trend], category: str, limit: int = 5) -> list[Ranked]:
    found = [t for t in trends if t.category == category and t.counts[-1] > 0]
    found.sort(key=lambda t: (-t.counts[-1], t.subject))
    return [Ranked(t.subject, t.counts[-1], t.change) for t in found[:limit]]


def _theme_section(context: ReportContext, theme: str, cells: dict[tuple[str, ...], dict[
        str, int | None]], before: dict[tuple[str, ...], dict[str, int | None]],
        months: list[str], by_month: dict[str, int], found: list[Trend]) -> ThemeSection:
    row = cells.get((theme,), {})
    section = ThemeSection(
        theme=_label(theme), observations=int(row.get("observations") or 0),
        selectors=int(row.get("selectors") or 0),
        contributions=int(row.get("contributions") or 0),
        previous=int(before.get((theme,), {}).get("observations") or 0),
        chart_svg=charts.trend_line(months, [by_month.get(m, 0) for m in months],
                                    f"{_label(theme)}: observations per month"),
        malware=_ranked(found, "malware"), actors=_ranked(found, "threat-actor"),
        infrastructure=sorted(_ranked(found, "network") + _ranked(found, "tld"),
                              key=lambda r: -r.count)[:6])
    for builder in THEME_SECTION_BUILDERS:
        extra = builder(context, theme)
        if extra is not None:
            section.extra.append(extra)
    return section


def _cooperation(context: ReportContext, rules: DisclosureRules) -> list[Section]:
    out: list[Section] = []
    if context.period.whole_months:
        out.append(_protected_section(
            "Hits between partner kinds", ("partner kind", "partner kind", "hits"),
            queries.hits_between_kinds(context.conn, context.period, rules)))
        out.append(_protected_section(
            "Access requests granted", ("requested by", "held by", "granted"),
            queries.requests_granted(context.conn, context.period, rules)))
    else:
        out.append(Section("Cooperation", (
            "Cooperation figures are published for whole calendar months or quarters only; "
            "choose such a period to see them.",)))
    return out + [s for b in COOPERATION_SECTION_BUILDERS if (s := b(context)) is not None]


def _protected_section(title: str, header: tuple[str, ...], table: ProtectedTable
                       ) -> Section:
    rows = tuple((*(str(k) for k in key), "suppressed" if value is None else str(value))
                 for key, value in sorted(table.values.items(),
                                          key=lambda kv: [(k == TOTAL, str(k)) for k in kv[0]])
                 if TOTAL not in key or key == (TOTAL, TOTAL))
    if not rows:
        return Section(title, ("None in this period.",))
    return Section(title, (), header, rows)
