"""Registers the report's sections on networks and targets, and on operations and RFIs."""

from __future__ import annotations

from intelpool.analysis.report.model import COOPERATION_SECTION_BUILDERS, THEME_SECTION_BUILDERS
from intelpool.analysis.report.network_section import network_section
from intelpool.analysis.report.operations_section import operations_section


def register() -> None:
    if network_section not in THEME_SECTION_BUILDERS:
        THEME_SECTION_BUILDERS.append(network_section)
    if operations_section not in COOPERATION_SECTION_BUILDERS:
        COOPERATION_SECTION_BUILDERS.append(operations_section)


register()
