"""Start-up loads only what a command needs: the CLI's entry and --help load no database,
settings, format or rich code (each costs more to import than a small command takes)."""

from __future__ import annotations

import subprocess
import sys

from intelpool.db.migrate import head_revision
from intelpool.db.revision import head_revision as quick_head_revision
from tests.conftest import Store

HEAVY = ("sqlalchemy", "alembic", "pydantic", "pydantic_settings", "orjson", "rich",
         "intelpool.formats", "intelpool.pool", "intelpool.matching", "intelpool.db.tables")

_PROBE = """
import sys
sys.argv = ["intelpool", *sys.argv[1:]]
from intelpool.cli.main import run
try:
    run()
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY or
               any(m == h or m.startswith(h + ".") for h in HEAVY))
print("LOADED", " ".join(heavy))
"""


def _loaded(*args: str) -> list[str]:
    code = f"HEAVY = {HEAVY!r}\n{_PROBE}"
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                            text=True, check=True)
    line = next(x for x in result.stdout.splitlines() if x.startswith("LOADED"))
    return line.split()[1:]


def test_importing_the_cli_and_help_load_no_heavy_module() -> None:
    assert _loaded() == []  # no arguments: the usage text
    assert _loaded("--help") == []
    assert _loaded("submit", "--help") == []


def test_a_search_loads_no_settings_migrations_or_formats(store: Store) -> None:
    loaded = set(_loaded("search", "198.51.100.7", "--as", "nobody@x.example", "--db",
                         store.url, "--json"))
    assert "sqlalchemy" in loaded  # it did reach the pool
    assert not loaded & {"alembic", "pydantic", "pydantic_settings", "intelpool.formats"}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from intelpool.cli.main import run; run()",
                           *args], capture_output=True, text=True)


def test_a_command_run_alone_answers_as_the_whole_application(store: Store) -> None:
    """``run`` builds only the command it is asked for; the answers are the same."""
    from typer.testing import CliRunner

    from intelpool.cli.main import app

    for args in (["org", "add", "Police DE", "--kind", "law-enforcement"],
                 ["org", "list", "--json"], ["group", "list", "--json"]):
        alone = _run(*args, "--db", store.url)
        whole = CliRunner().invoke(app, [*args, "--db", store.url])
        assert alone.returncode == 0, alone.stderr
        if args[1] == "add":  # the name is taken now: the whole application refuses it
            assert whole.exit_code == 1 and "Police DE" in whole.stderr
            continue
        assert alone.stdout == whole.stdout
    unknown = _run("no-such-command")
    assert unknown.returncode == 2 and "No such command" in unknown.stderr
    missing = _run("search", "--db", store.url)
    assert missing.returncode == 2 and "Missing" in missing.stderr


def test_the_quick_head_revision_is_alembics(store: Store) -> None:
    assert quick_head_revision() == head_revision(store.engine)


def test_the_launcher_imports_only_the_standard_library() -> None:
    """The script's first step runs before any command: it must cost no more than Python."""
    probe = ("import sys; before = set(sys.modules); from intelpool.cli import launch; "
             "print(' '.join(sorted(set(sys.modules) - before)))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout.split()
    ours = {m for m in loaded if m.startswith("intelpool")}
    assert ours == {"intelpool", "intelpool.cli", "intelpool.cli.launch"}
    third_party = {m.split(".")[0] for m in loaded} - set(sys.stdlib_module_names) - {"intelpool"}
    assert third_party == set()
