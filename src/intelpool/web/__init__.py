"""The web interface: server-rendered pages (Jinja2 + htmx) on the same services as the CLI.

``mount(app)`` adds it to the FastAPI app. Each page module (``page_*.py``) holds one
``router`` and its ``NAV`` links; a page is added by writing its module and template and
naming the module in ``PAGE_MODULES``.
"""

from intelpool.web.mount import PAGE_MODULES, mount

__all__ = ["PAGE_MODULES", "mount"]
