"""Cross-matching between partners: hits, access requests, deconfliction, noise, scoring."""
