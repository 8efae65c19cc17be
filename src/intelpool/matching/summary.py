"""What matching reports: hits new and refreshed, per partner (plain data, no store)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class PartnerHits:
    new: int = 0  # hits first recorded by this run
    refreshed: int = 0  # hits recorded before, now refreshed


@dataclass(slots=True)
class MatchSummary:
    new_hits: int = 0  # hits first recorded by this run
    refreshed_hits: int = 0  # hits recorded before, now refreshed (not counted again)
    widespread: int = 0  # selectors of the run held by more organisations than the threshold
    folded_hits: int = 0  # earlier hits removed because their selector became widespread
    partners: dict[str, PartnerHits] = field(default_factory=dict)  # by partner label


@dataclass(slots=True)
class RematchSummary:
    hits: int = 0  # hit rows in the pool once rebuilt
    widespread: int = 0
