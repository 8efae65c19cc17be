"""Background submissions: queued at once, run by a worker, followed by their organisation."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelpool.access.handling import HandlingRequest
from intelpool.api.app import create_app
from intelpool.db.tables import contributions, job_files, observations
from intelpool.errors import HandlingError, NotFound
from intelpool.jobs import runner, service
from intelpool.partners import identity
from intelpool.partners.identity import principal_for_email
from intelpool.pool import reads
from intelpool.pool.submission import Submission
from tests import factories as f
from tests.conftest import Store
from tests.jobs.queue_fixtures import run_queue

LINES = ["198.51.100.7", "bad-domain.example", "no selector here !!", "198.51.100.8"]


def _queue(store: Store, tmp_path: Path, lines: list[str], fmt: str = "auto",
           tlp: str = "green") -> int:
    path = tmp_path / "upload.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with store.begin() as conn:
        police = principal_for_email(conn, "analyst@police-de.example")
        return service.submit_in_background(
            conn, police, Submission(path=path, handling=HandlingRequest(tlp=tlp), format=fmt))


@pytest.fixture
def partners(jobs_store: Store) -> Store:
    with jobs_store.begin() as conn:
        f.member(conn, "Police DE")
        f.member(conn, "Bank NL", kind="private")
    return jobs_store


def test_a_queued_submission_is_stored_by_the_worker_with_its_rejections(
        partners: Store, tmp_path: Path) -> None:
    job_id = _queue(partners, tmp_path, LINES)
    with partners.begin() as conn:
        police = principal_for_email(conn, "analyst@police-de.example")
        queued = service.show(conn, police, job_id)
        assert (queued.state, queued.attempts, queued.summary) == ("queued", 0, None)
        assert conn.execute(select(func.count()).select_from(contributions)).scalar() == 0
    run_queue(partners)
    with partners.begin() as conn:
        police = principal_for_email(conn, "analyst@police-de.example")
        job = service.show(conn, police, job_id)
        assert job.state == "done" and job.attempts == 1 and job.records_done == 4
        assert job.summary is not None
        assert (job.summary["accepted"], job.summary["rejected"]) == (3, 1)
        assert [(r.location, r.value) for r in job.rejections] == [
            ("line 3", "no selector here !!")]
        assert job.contribution_id == job.summary["contribution_id"]
        assert [r.contribution_id for r in reads.search(conn, police, "198.51.100.7")] == [
            job.contribution_id]
        # The file was kept only until the job was done.
        assert conn.execute(select(func.count()).select_from(job_files)).scalar() == 0
        assert [j.id for j in service.list_jobs(conn, police)] == [job_id]


def test_a_job_is_invisible_outside_its_organisation(partners: Store, tmp_path: Path) -> None:
    job_id = _queue(partners, tmp_path, LINES)
    run_queue(partners)
    with partners.begin() as conn:
        bank = principal_for_email(conn, "analyst@bank-nl.example")
        with pytest.raises(NotFound, match=f"no job {job_id}"):
            service.show(conn, bank, job_id)
        with pytest.raises(NotFound, match="no job 999"):  # reads the same as a missing one
            service.show(conn, bank, 999)
        assert service.list_jobs(conn, bank) == []
        with pytest.raises(NotFound):
            service.show(conn, f.OPERATOR, job_id)
        assert service.list_jobs(conn, f.OPERATOR) == []


def test_a_file_the_pool_refuses_fails_its_job_and_leaves_the_pool_as_it_was(
        partners: Store, tmp_path: Path) -> None:
    job_id = _queue(partners, tmp_path, LINES, fmt="stix")
    run_queue(partners)
    with partners.begin() as conn:
        police = principal_for_email(conn, "analyst@police-de.example")
        job = service.show(conn, police, job_id)
        assert job.state == "failed" and job.error and "JSON" in job.error
        assert conn.execute(select(func.count()).select_from(contributions)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(job_files)).scalar() == 0


def test_refused_handling_fails_at_once_and_queues_nothing(
        partners: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("198.51.100.7\n")
    with partners.begin() as conn:
        police = principal_for_email(conn, "analyst@police-de.example")
        with pytest.raises(HandlingError):
            service.submit_in_background(conn, police, Submission(
                path=path, handling=HandlingRequest(tlp="red", audience=["pool"])))
        assert service.list_jobs(conn, police) == []


def test_a_job_done_is_never_applied_twice(partners: Store, tmp_path: Path) -> None:
    job_id = _queue(partners, tmp_path, LINES)
    run_queue(partners)
    # A queue delivering the job again (a retry after the commit) changes nothing.
    assert runner.run(partners.engine, job_id, lambda *_: None) == "done"
    with partners.begin() as conn:
        assert conn.execute(select(func.count()).select_from(contributions)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(observations)).scalar() == 3
        police = principal_for_email(conn, "analyst@police-de.example")
        assert service.show(conn, police, job_id).attempts == 1


def test_the_api_shows_a_job_to_its_organisation_only(partners: Store, tmp_path: Path) -> None:
    job_id = _queue(partners, tmp_path, LINES)
    run_queue(partners)
    headers = {}
    with partners.begin() as conn:
        for email in ("analyst@police-de.example", "analyst@bank-nl.example"):
            token = identity.create_token(conn, f.OPERATOR, email, expires_days=1,
                                          scopes=["read"])
            headers[email] = {"Authorization": f"Bearer {token.secret}"}
    with TestClient(create_app(partners.engine)) as client:
        mine = client.get(f"/api/v1/jobs/{job_id}", headers=headers["analyst@police-de.example"])
        assert mine.status_code == 200
        assert mine.json()["state"] == "done" and mine.json()["summary"]["accepted"] == 3
        assert mine.json()["rejections"][0]["value"] == "no selector here !!"
        theirs = client.get(f"/api/v1/jobs/{job_id}",
                            headers=headers["analyst@bank-nl.example"])
        assert theirs.status_code == 404 and theirs.json() == {"error": {
            "code": "not_found", "message": f"no job {job_id}", "details": {}}}
        listed = client.get("/api/v1/jobs", headers=headers["analyst@bank-nl.example"])
        assert listed.json() == {"jobs": []}
        assert client.get(f"/api/v1/jobs/{job_id}").status_code == 401


def test_a_directory_goes_to_the_worker_as_it_was_submitted(
        partners: Store, tmp_path: Path) -> None:
    feed = Path(__file__).parent.parent / "data" / "misp" / "feed"
    with partners.begin() as conn:
        police = principal_for_email(conn, "analyst@police-de.example")
        job_id = service.submit_in_background(
            conn, police, Submission(path=feed, handling=HandlingRequest(tlp="green")))
    run_queue(partners)
    with partners.begin() as conn:
        police = principal_for_email(conn, "analyst@police-de.example")
        job = service.show(conn, police, job_id)
        assert job.state == "done" and job.summary and job.summary["format"] == "misp"
        assert [r.location for r in job.rejections] == ["manifest.json"]
        # The same directory submitted directly is recognised as the job's own contribution.
        again = f.submit_file(conn, police, feed)
        assert again.already_submitted and again.contribution_id == job.contribution_id


def test_the_embedded_worker_refreshes_the_analyses_its_jobs_made_stale(
        partners: Store, tmp_path: Path) -> None:
    if partners.name != "sqlite":
        pytest.skip("PostgreSQL workers leave it to 'intelpool analysis refresh --every'")
    from intelpool.analysis import cache, warm
    from intelpool.analysis import service as analysis

    with partners.begin() as conn:
        police = principal_for_email(conn, "analyst@police-de.example")
        analysis.networks(conn, police)  # Police DE uses the analysis
        before = cache.fingerprint(conn, police)
    _queue(partners, tmp_path, LINES)
    run_queue(partners)
    with partners.begin() as conn:
        assert cache.fingerprint(conn, police) != before  # the job's data is in
        assert warm.is_fresh(conn, police)
