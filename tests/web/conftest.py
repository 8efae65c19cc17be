"""A live server and a headless Chromium for the browser tests.

The server runs the real app (uvicorn, a free port) on a pool of three organisations; each
user gets a browser context of its own. Every page a test visits is saved as a screenshot
under test-screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from sqlalchemy import Engine

from intelpool.api.app import create_app
from intelpool.db.engine import make_engine
from intelpool.db.migrate import upgrade
from intelpool.db.tables import metadata
from intelpool.partners import sign_in
from tests.web.helpers import PASSWORD, Pool, build_pool

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class Live:
    url: str
    pool: Pool
    tmp: Path
    engine: Engine


@dataclass
class Watched:
    """What a page did that it must not: dialogs (a script ran) and console errors."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes() -> Iterator[None]:
    """argon2id at a small cost: these tests check the flows, not the work factor."""
    saved = sign_in._hasher
    sign_in._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    sign_in._hasher = saved


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def live(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app served on a fresh pool of either store, for one module's tests."""
    tmp = tmp_path_factory.mktemp("web")
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp / 'pool.db'}")
        upgrade(engine)
    else:
        engine = make_engine(request.getfixturevalue("pg_schema_url"))
        tables = ", ".join(t.name for t in metadata.sorted_tables)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    pool = build_pool(engine, tmp / "files")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield Live(f"http://127.0.0.1:{port}", pool, tmp, engine)
    server.should_exit = True
    thread.join(10)
    engine.dispose()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is missing: 'make test' installs it (system/debian-test.txt)")
    launched = playwright.chromium.launch(executable_path=executable, headless=True,
                                          args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def sign_in_as(live: Live, browser: Browser) -> Iterator[Callable[..., tuple[Page, Watched]]]:
    """Open a browser context of its own for a user and sign in through the form."""
    contexts: list[tuple[BrowserContext, Watched]] = []

    def open_as(email: str, password: str = PASSWORD) -> tuple[Page, Watched]:
        context = browser.new_context(base_url=live.url)
        context.set_default_timeout(10_000)
        watched = Watched()
        contexts.append((context, watched))
        page = context.new_page()
        page.on("dialog", lambda dialog: (watched.dialogs.append(dialog.message),
                                          dialog.dismiss()))
        # A refused page (401, 403, 404) is logged as a failed load: it is meant. Anything
        # else (a script error, a CSP violation) is not.
        page.on("console", lambda msg: watched.errors.append(msg.text)
                if msg.type == "error" and not msg.text.startswith(
                    "Failed to load resource: the server responded with a status of 4")
                else None)
        page.on("pageerror", lambda exc: watched.errors.append(str(exc)))
        page.goto("/")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button:has-text('Sign in')")
        page.wait_for_url(re.compile(r"/$"))
        return page, watched

    yield open_as
    for context, watched in contexts:
        context.close()
        assert watched.dialogs == [], f"a script ran: {watched.dialogs}"
        assert watched.errors == [], f"the page logged errors: {watched.errors}"


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    SCREENSHOTS.mkdir(exist_ok=True)
    prefix = request.node.name.removeprefix("test_").replace("[", "-").rstrip("]")

    def save(page: Page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{prefix}--{name}.png"), full_page=True)

    return save
