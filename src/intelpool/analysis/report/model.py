"""What a report holds, ready to render: every figure and sentence already decided."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from intelpool.access.disclosure import DisclosureRules

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from intelpool.access import Principal
    from intelpool.analysis.periods import Period


@dataclass(frozen=True, slots=True)
class AnnexEntry:
    id: int
    originator: str
    received_at: datetime
    title: str
    tlp: str
    pap: str
    codes: str
    themes: str


@dataclass(frozen=True, slots=True)
class Ranked:
    subject: str
    count: int
    change: str


@dataclass(slots=True)
class ThemeSection:
    theme: str
    observations: int
    selectors: int
    contributions: int
    previous: int
    chart_svg: str
    malware: list[Ranked] = field(default_factory=list)
    actors: list[Ranked] = field(default_factory=list)
    infrastructure: list[Ranked] = field(default_factory=list)
    extra: list[Section] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Fact:
    """A figure a section shows that key findings may mention (a network's size, a count)."""

    kind: str
    subject: str
    count: int
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A titled block of paragraphs, an optional table (rows of cells) and paragraphs after
    it. ``contributions``: the visible contributions it draws on, which join the annex and
    the report's marking; ``facts``: what key findings may mention."""

    title: str
    paragraphs: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    after: tuple[str, ...] = ()
    contributions: tuple[int, ...] = ()
    facts: tuple[Fact, ...] = ()


@dataclass(slots=True)
class Report:
    title: str
    period: str
    audience: str
    generated_at: datetime
    tlp: str
    pap: str
    codes: list[str]
    h3: list[str]
    findings: list[str]
    overview_svg: str
    themes: list[ThemeSection]
    cooperation: list[Section]
    annex: list[AnnexEntry]
    rules: str

    @property
    def empty(self) -> bool:
        return not self.annex


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What a section builder receives: the viewer, the period, the themes asked for and
    those shown."""

    conn: Connection
    principal: Principal
    period: Period
    themes: tuple[str, ...]
    rules: DisclosureRules = field(default_factory=DisclosureRules)
    shown: tuple[str, ...] = ()  # the themes that get a section, most reported first


# Hook points: the analysis of networks and targets adds a builder to THEME_SECTION_BUILDERS
# (proposed networks and top targets of one theme, of what the viewer may see); operations and
# RFIs add one to COOPERATION_SECTION_BUILDERS (see report/sections.py). Each returns a
# Section, or None when it has nothing to show.
ThemeSectionBuilder = Callable[[ReportContext, str], Section | None]
CooperationSectionBuilder = Callable[[ReportContext], Section | None]
THEME_SECTION_BUILDERS: list[ThemeSectionBuilder] = []
COOPERATION_SECTION_BUILDERS: list[CooperationSectionBuilder] = []
