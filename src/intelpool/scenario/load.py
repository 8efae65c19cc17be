"""Put a generated scenario into a pool the way partners would: membership first (as the
console operator), then every contribution through the ingest service as its submitter,
one transaction per contribution, in the manifest's order.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine

from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.errors import InvalidInput
from intelpool.formats.records import Rejection
from intelpool.formats.registry import importers
from intelpool.matching import engine as matching
from intelpool.partners import service as partners
from intelpool.partners.identity import principal_for_email
from intelpool.pool import ingest
from intelpool.scenario.partners import roster
from intelpool.scenario.writers import COMPANION

# (contributions done, contributions, observations accepted so far)
LoadProgressFn = Callable[[int, int, int], None]
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass(slots=True)
class LoadSummary:
    organisations: int = 0
    users: int = 0
    groups: int = 0
    contributions: int = 0
    observations: int = 0
    duplicates: int = 0
    rejections: int = 0
    entities: int = 0
    relationships: int = 0
    hits: int = 0  # hit rows in the pool once loaded (one per selector and partner pair)
    widespread: int = 0
    elapsed_seconds: float = 0.0
    # Rejection reasons with the rejected value blanked out, most frequent first.
    rejection_reasons: dict[str, int] = field(default_factory=dict)


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    try:
        manifest: dict[str, Any] = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise InvalidInput(f"{directory} is not a scenario: it has no manifest.json") from None
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(manifest.get("contributions"), list):
        raise InvalidInput(f"{path} lists no contributions")
    return manifest


def load(engine: Engine, directory: Path, *, batch_size: int = 20_000,
         progress: LoadProgressFn | None = None) -> LoadSummary:
    """Create the scenario's partners in the pool and submit all its contributions."""
    began = time.perf_counter()
    manifest = read_manifest(directory)
    summary = LoadSummary()
    with engine.begin() as conn:
        create_membership(conn, manifest, summary)
    reasons: Counter[str] = Counter()

    def rejected(rejection: Rejection) -> None:
        reasons[_QUOTED.sub("…", rejection.reason)] += 1

    entries = manifest["contributions"]
    for done, entry in enumerate(entries, start=1):
        with engine.begin() as conn:
            principal = principal_for_email(conn, entry["submitter"])
            result = ingest.submit(conn, principal, submission(directory, entry),
                                   batch_size=batch_size, on_rejection=rejected)
        summary.contributions += 1
        summary.observations += result.accepted
        summary.duplicates += result.duplicates
        summary.rejections += result.rejected
        summary.entities += result.entities
        summary.relationships += result.relationships
        if progress:
            progress(done, len(entries), summary.observations)
    summary.rejection_reasons = dict(reasons.most_common())
    with engine.connect() as conn:
        summary.hits, summary.widespread = matching.pool_counts(conn)
    summary.elapsed_seconds = round(time.perf_counter() - began, 3)
    return summary


def create_membership(conn: Connection, manifest: dict[str, Any], summary: LoadSummary) -> None:
    operator = Principal.operator()
    for org in manifest["partners"]:
        partners.add_organisation(conn, operator, org["name"], org["kind"], org["country"])
        summary.organisations += 1
    for user in manifest["users"]:
        partners.add_user(conn, operator, user["email"], user["organisation"], user["role"])
        summary.users += 1
    for group in manifest["groups"]:
        partners.add_group(conn, operator, group["name"], group["members"])
        summary.groups += 1


def submission(directory: Path, entry: dict[str, Any]) -> ingest.Submission:
    """The ingest request for one manifest entry: its file under its partner's handling."""
    handling = HandlingRequest(tlp=entry["tlp"], audience=list(entry["audience"]),
                               codes=list(entry["handling_codes"]), h3_text=entry["h3_text"],
                               pap=entry["pap"], anonymous=entry["anonymous"])
    return ingest.Submission(
        path=directory / entry["file"], handling=handling, format=entry["format"],
        title=entry["title"], themes=list(entry["themes"]), reliability=entry["reliability"],
        credibility=entry["credibility"], scheme=entry["evaluation_scheme"])


def fallback_formats() -> tuple[dict[str, str], str]:
    """Formats the pool can read, per partner kind, and for companion files.

    A partner kind whose own format has no importer in this installation writes ``csv``
    instead (``text`` if that is missing too), so a generated scenario always loads.
    """
    known = importers()
    spare = "csv" if "csv" in known else "text"
    by_kind = {p.kind: spare for p in roster() if p.format not in known}
    return by_kind, COMPANION if COMPANION in known else spare
