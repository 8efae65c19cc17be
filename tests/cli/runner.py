"""Running the command line against a test store, as the CLI tests do."""

from __future__ import annotations

from typer.testing import CliRunner

from intelpool.cli.main import app
from tests.conftest import Store

runner = CliRunner()


def cli(store: Store, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", store.url])
    return result.exit_code, result.stdout, result.stderr


def ok(store: Store, *args: str) -> str:
    code, out, err = cli(store, *args)
    assert code == 0, f"{args}: {err or out}"
    return out
