"""Large uploads over REST as jobs: 202 with the job's id at once, followed at /jobs/ID, run
with the caller's role narrowed by its token's scopes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from intelpool.access import Permission
from intelpool.api.app import create_app
from intelpool.jobs import records
from intelpool.partners import identity
from intelpool.partners.identity import principal_for_email, principal_for_token
from tests import factories as f
from tests.conftest import Store
from tests.jobs.queue_fixtures import run_queue

LINES = "198.51.100.7\nbad-domain.example\nno selector here !!\n198.51.100.8\n"


@pytest.fixture
def partners(jobs_store: Store) -> Store:
    with jobs_store.begin() as conn:
        f.member(conn, "Police DE", role="admin")
        f.member(conn, "Bank NL", kind="private")
    return jobs_store


def _token(store: Store, email: str, scopes: list[str]) -> tuple[str, dict[str, str]]:
    with store.begin() as conn:
        token = identity.create_token(conn, f.OPERATOR, email, expires_days=1, scopes=scopes)
    return token.secret, {"Authorization": f"Bearer {token.secret}"}


def test_an_upload_queued_over_rest_is_followed_to_its_end(partners: Store,
                                                           tmp_path: Path) -> None:
    secret, submitting = _token(partners, "admin@police-de.example", ["submit", "read"])
    _, stranger = _token(partners, "analyst@bank-nl.example", ["read"])
    with TestClient(create_app(partners.engine)) as client:
        queued = client.post("/api/v1/contributions",
                             params={"tlp": "amber", "background": "true",
                                     "filename": "upload.txt"},
                             content=LINES.encode(), headers=submitting)
        assert queued.status_code == 202, queued.text
        job_id = queued.json()["job"]
        assert queued.json()["state"] == "queued"
        assert client.get(f"/api/v1/jobs/{job_id}", headers=stranger).status_code == 404
        run_queue(partners)  # a worker (on the embedded pool, the in-process runner)
        job = client.get(f"/api/v1/jobs/{job_id}", headers=submitting).json()
        assert job["state"] == "done" and job["kind"] == "submit"
        assert (job["summary"]["accepted"], job["summary"]["rejected"]) == (3, 1)
        assert [r["value"] for r in job["rejections"]] == ["no selector here !!"]
        shown = client.get(f"/api/v1/contributions/{job['contribution_id']}",
                           headers=submitting)
        assert shown.status_code == 200
        assert client.get(f"/api/v1/contributions/{job['contribution_id']}",
                          headers=stranger).status_code == 404
        # Bad handling is refused at once: nothing is queued.
        refused = client.post("/api/v1/contributions",
                              params={"tlp": "red", "audience": "pool", "background": "true"},
                              content=LINES.encode(), headers=submitting)
        assert refused.status_code in (400, 422)
    with partners.begin() as conn:
        # The job ran as the token could act, not with the admin's whole role.
        ran_as = records.submitter(conn, records.row(conn, job_id) or {})
        assert ran_as.permissions == principal_for_token(conn, secret).permissions
        admin = principal_for_email(conn, "admin@police-de.example")
        assert Permission.ORG_USERS_MANAGE in admin.permissions - ran_as.permissions
