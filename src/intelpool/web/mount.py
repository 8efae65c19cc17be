"""Mounting the web interface on the app: page routers, assets, security headers."""

from __future__ import annotations

from types import ModuleType

from fastapi import FastAPI

from intelpool.web import (
    assets,
    page_admin,
    page_analysis,
    page_audit,
    page_auth,
    page_contributions,
    page_dashboard,
    page_held,
    page_hits,
    page_operation_work,
    page_operations,
    page_reports,
    page_rfis,
    page_search,
    page_settings,
    page_statistics,
    page_submit,
    page_trends,
)
from intelpool.web.core import NavLink, Viewer
from intelpool.web.headers import SecurityHeaders
from intelpool.web.limits import SignInLimiter

# The pages, in navigation order. A new page is one module with ``router`` and ``NAV``.
PAGE_MODULES: tuple[ModuleType, ...] = (
    page_dashboard, page_search, page_contributions, page_submit, page_hits, page_operations,
    page_operation_work, page_held, page_analysis, page_rfis, page_statistics, page_trends,
    page_reports, page_admin, page_settings, page_audit, page_auth,
)

def navigation(viewer: Viewer) -> list[NavLink]:
    links: list[NavLink] = [link for module in PAGE_MODULES for link in module.NAV]
    return [link for link in links if link.permission is None or viewer.can(link.permission)]


def mount(app: FastAPI) -> None:
    """Serve the web interface at / beside the API (which keeps /api/v1)."""
    app.state.sign_in_limiter = SignInLimiter()
    app.include_router(assets.router)
    for module in PAGE_MODULES:
        app.include_router(module.router)

    app.add_middleware(SecurityHeaders)
