"""Observable types: refang, detect, canonicalise and validate selectors. Pure: no I/O."""

from intelpool.observables.parse import InvalidObservable, parse_selector, search_candidates
from intelpool.observables.refang import refang
from intelpool.observables.types import ObservableType

__all__ = ["InvalidObservable", "ObservableType", "parse_selector", "refang",
           "search_candidates"]
