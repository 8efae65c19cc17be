"""The demo command: a fresh pool from the demo scenario, with read tokens to try it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from intelpool.access import Principal
from intelpool.api.app import create_app
from intelpool.cli.main import app
from intelpool.db.engine import make_engine
from intelpool.db.migrate import upgrade
from intelpool.db.tables import (
    contributions,
    deconfliction_alerts,
    observations,
    operations,
    organisations,
    rfis,
)
from intelpool.partners import service as partners
from intelpool.partners import sign_in
from intelpool.partners.identity import principal_for_token
from tests.api.live import serving


def test_demo_fills_a_fresh_pool_and_prints_a_read_token_per_partner_kind(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pool.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:  # an earlier pool at the same place is replaced
        partners.add_organisation(conn, Principal.operator(), "Stale Org", "other", None)
    engine.dispose()
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--db", url, "--scale", "0.05",
                                      "--dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output + str(result.exception)
    tokens = {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()
              if line.split()[-1:] and line.split()[-1].startswith("ipt_")}
    assert set(tokens) == {"host", "law-enforcement", "private", "cert"}
    assert "http://127.0.0.1:8000/api/v1/health" in result.stdout
    assert "web interface: http://127.0.0.1:8000/ " in result.stdout
    passwords = {line.split()[0]: (line.split()[-3], line.split()[-1])
                 for line in result.stdout.splitlines() if " password " in line}
    assert set(passwords) == {"host", "law-enforcement", "private", "cert"}
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            assert conn.execute(select(func.count()).select_from(contributions)).scalar_one()
            assert conn.execute(select(func.count()).select_from(observations)).scalar_one()
            names = set(conn.execute(select(organisations.c.name)).scalars())
            police = principal_for_token(conn, tokens["law-enforcement"])
            assert conn.execute(select(func.count()).select_from(operations)).scalar_one() == 3
            assert conn.execute(select(func.count()).select_from(rfis)).scalar_one() == 2
            alerts = conn.execute(select(deconfliction_alerts.c.kind)).scalars().all()
            email, password = passwords["private"]
            bank = sign_in.sign_in_with_password(conn, email, password).principal
    finally:
        engine.dispose()
    assert "Stale Org" not in names
    assert {"target", "action-day"} <= set(alerts)
    assert "casework in progress: 3 operations, 2 requests for information" in result.stdout
    assert police.organisation_name.startswith("Police")
    assert bank.email == email and bank.role == "admin"
    assert (tmp_path / "demo" / "scenario" / "ground_truth.json").exists()
    # The printed taxii2-client example works as printed against the served pool.
    [line] = [x for x in result.stdout.splitlines() if x.startswith("TAXII 2.1")]
    code = line.split('-c "', 1)[1].rstrip('"')
    assert "127.0.0.1:8000" in code
    engine = make_engine(url)
    try:
        with serving(create_app(engine)) as base:
            out = subprocess.run([sys.executable, "-c", code.replace(
                "http://127.0.0.1:8000", base)], capture_output=True, text=True, check=True)
    finally:
        engine.dispose()
    lines = out.stdout.splitlines()
    assert lines[0].startswith("Everything you may see") and int(lines[0].split()[-1]) > 0
