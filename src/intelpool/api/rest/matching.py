"""Checks against the pool: deconfliction, scores, warninglists, and a full rematch."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from intelpool.api.deps import AppSettings, Conn, PartnersManager, Reader, Text
from intelpool.matching import engine, scoring, warninglists
from intelpool.matching.deconflict import DeconflictResult, deconflict
from intelpool.matching.scoring import ScoreView
from intelpool.matching.summary import RematchSummary

router = APIRouter(tags=["matching"])


class DeconflictRequest(BaseModel):
    values: list[Text] = Field(min_length=1, max_length=10_000,
                              description="Selectors to check (defanged is fine).")


class WarninglistInfo(BaseModel):
    name: str
    kind: str
    entries: int
    applied: bool
    source: str


@router.post("/deconflict")
def deconflict_values(conn: Conn, caller: Reader,
                      body: DeconflictRequest) -> list[DeconflictResult]:
    """Before acting: which of these selectors do other partners already hold?"""
    return deconflict(conn, caller, body.values)


@router.get("/score")
def score(conn: Conn, caller: Reader,
          value: str = Query(..., description="The selector to score."),
          type: str | None = Query(None, description="Observable type.")) -> ScoreView:
    """A confidence score from 0 to 100 with its breakdown, from what you may see."""
    return scoring.score(conn, caller, value, type)


@router.get("/warninglists")
def list_warninglists(caller: Reader, settings: AppSettings) -> list[WarninglistInfo]:
    """The warninglists in force (built-in and INTELPOOL_WARNINGLIST_DIR)."""
    return [WarninglistInfo(name=w.name, kind=w.kind, entries=len(w.entries),
                            applied=w.applied, source=w.source)
            for w in warninglists.load(settings.warninglist_dir)]


@router.post("/rematch")
def rematch(conn: Conn, caller: PartnersManager, settings: AppSettings) -> RematchSummary:
    """Recompute warninglist marks, widespread selectors and every hit (host admins)."""
    return engine.rematch(conn, settings)
