"""Organisation settings under Administration: an admin sets its own organisation's, a host
admin any organisation's TAXII defaults; others are refused or find nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from intelpool.db.tables import audit_events, organisations
from intelpool.pool import taxii_submit
from tests import factories as f
from tests.conftest import Store
from tests.web.helpers import build_pool, csrf_of, password_user, signed_in


def _org_id(store: Store, name: str) -> int:
    with store.begin() as conn:
        return int(conn.execute(select(organisations.c.id).where(
            organisations.c.name == name)).scalar_one())


def test_an_admin_sets_its_own_organisations_settings(store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    admin = signed_in(store.engine, pool.police_admin)
    page = admin.get("/admin/settings")
    assert page.status_code == 200 and "Settings of Police DE" in page.text
    token = csrf_of(page.text)
    withheld = admin.post("/admin/settings/statistics", data={
        "csrf": token, "organisation": "Police DE", "counted": "no"})
    assert withheld.status_code == 200, withheld.text
    assert "do not count" in withheld.text
    saved = admin.post("/admin/settings/taxii", data={
        "csrf": token, "organisation": "Police DE", "tlp": "amber",
        "audience": ["org:Bank NL"]})
    assert saved.status_code == 200 and "audience org:Bank NL" in saved.text
    police = _org_id(store, "Police DE")
    with store.begin() as conn:
        assert taxii_submit.defaults(conn, police) == ("amber", ["org:Bank NL"])
        assert conn.execute(select(organisations.c.statistics_withheld).where(
            organisations.c.id == police)).scalar_one() is True
        actions = set(conn.execute(select(audit_events.c.action).where(
            audit_events.c.subject_organisation_id == police)).scalars())
    assert {"organisation.statistics", "organisation.taxii-defaults"} <= actions


def test_a_handling_the_cli_refuses_is_refused_and_nothing_changes(store: Store,
                                                                   tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    admin = signed_in(store.engine, pool.police_admin)
    token = csrf_of(admin.get("/admin/settings").text)
    refused = admin.post("/admin/settings/taxii", data={
        "csrf": token, "organisation": "Police DE", "tlp": "red", "audience": ["pool"]})
    assert refused.status_code == 422 and "Refused:" in refused.text
    with store.begin() as conn:
        assert taxii_submit.defaults(conn, _org_id(store, "Police DE")) == ("amber", [])


def test_others_are_refused_or_find_no_organisation(store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    analyst = signed_in(store.engine, pool.police)
    assert analyst.get("/admin/settings").status_code == 403
    with store.begin() as conn:
        bank_admin = password_user(conn, "Bank NL", "admin")
    bank = signed_in(store.engine, bank_admin)
    other = bank.get("/admin/settings", params={"organisation": "Police DE"})
    missing = bank.get("/admin/settings", params={"organisation": "Nowhere"})
    assert other.status_code == missing.status_code == 404
    assert "no organisation named &#39;Police DE&#39;" in other.text
    token = csrf_of(bank.get("/admin/settings").text)
    for path, data in (("/admin/settings/taxii", {"tlp": "clear", "audience": ["pool"]}),
                       ("/admin/settings/statistics", {"counted": "no"})):
        changed = bank.post(path, data={"csrf": token, "organisation": "Police DE", **data})
        assert changed.status_code == 404, (path, changed.text)
    with store.begin() as conn:
        assert taxii_submit.defaults(conn, _org_id(store, "Police DE")) == ("amber", [])


def test_a_host_admin_sets_any_organisations_taxii_defaults(store: Store,
                                                            tmp_path: Path) -> None:
    build_pool(store.engine, tmp_path)
    with store.begin() as conn:
        f.org(conn, "Host Centre", "host", "NL")
        host_admin = password_user(conn, "Host Centre", "admin")
    host = signed_in(store.engine, host_admin)
    page = host.get("/admin/settings", params={"organisation": "Bank NL"})
    assert page.status_code == 200 and "Only an admin of Bank NL decides" in page.text
    saved = host.post("/admin/settings/taxii", data={
        "csrf": csrf_of(page.text), "organisation": "Bank NL", "tlp": "green"})
    assert saved.status_code == 200
    refused = host.post("/admin/settings/statistics", data={
        "csrf": csrf_of(page.text), "organisation": "Bank NL", "counted": "no"})
    assert refused.status_code == 422 and "only decide for its own" in refused.text
    with store.begin() as conn:
        assert taxii_submit.defaults(conn, _org_id(store, "Bank NL")) == ("green", [])
