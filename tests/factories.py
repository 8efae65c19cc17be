"""Small builders for organisations, users and contributions in tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.config import Settings
from intelpool.formats.records import ImportOptions
from intelpool.partners import service as partners
from intelpool.partners.identity import principal_for_email
from intelpool.pool import ingest

OPERATOR = Principal.operator()


def org(conn: Connection, name: str, kind: str = "law-enforcement", country: str = "DE") -> int:
    return partners.add_organisation(conn, OPERATOR, name, kind, country).id


def user(conn: Connection, org_name: str, role: str = "analyst",
         email: str | None = None) -> Principal:
    email = email or f"{role}@{org_name.lower().replace(' ', '-')}.example"
    partners.add_user(conn, OPERATOR, email, org_name, role)
    return principal_for_email(conn, email)


def member(conn: Connection, org_name: str, kind: str = "law-enforcement",
           role: str = "analyst") -> Principal:
    """An organisation with one user of ``role``; returns that user."""
    org(conn, org_name, kind)
    return user(conn, org_name, role)


def submit_file(
    conn: Connection,
    principal: Principal,
    path: Path,
    *,
    tlp: str = "green",
    audience: list[str] | None = None,
    codes: list[str] | None = None,
    pap: str | None = None,
    anonymous: bool = False,
    fmt: str = "auto",
    themes: list[str] | None = None,
    options: ImportOptions | None = None,
    settings: Settings | None = None,
    **kwargs: str,
) -> ingest.IngestSummary:
    request = HandlingRequest(tlp=tlp, audience=audience or [], codes=codes or [], pap=pap,
                              anonymous=anonymous)
    submission = ingest.Submission(path=path, handling=request, format=fmt,
                                   themes=themes or [], options=options or ImportOptions(),
                                   **kwargs)
    return ingest.submit(conn, principal, submission, batch_size=50, settings=settings)


def submit_lines(
    conn: Connection, principal: Principal, tmp_path: Path, lines: list[str], **kwargs: object
) -> ingest.IngestSummary:
    path = tmp_path / f"list-{len(list(tmp_path.iterdir()))}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return submit_file(conn, principal, path, **kwargs)  # type: ignore[arg-type]
