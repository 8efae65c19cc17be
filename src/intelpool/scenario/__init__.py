"""Synthetic taskforce scenarios: a partner roster, planted criminal structures with ground
truth, noise and decoys, and each partner's partial view written as its own contributions.

``generate.generate`` writes a scenario directory; ``load.load`` puts one into a pool through
the normal ingest path. Everything in a scenario is fictitious (see ``values.py`` for the
address and name choices) and must never feed a blocklist or any system outside a test or
demonstration pool.

A scenario directory holds:

- ``contributions/NNNNN-<partner>-<label>.<ext>``: one file per contribution, in submission
  order, in its real format (STIX 2.1 bundle, MISP event, CSV, plain list).
- ``manifest.json``: ``partners`` (name, kind, country, format, submitter, ``policy`` =
  handling and evaluation), ``users`` (email, organisation, role), ``groups`` (name,
  members), ``contributions`` in submission order (file, partner, submitter, format, title,
  themes, tlp, audience, handling_codes, h3_text, pap, anonymous, evaluation_scheme,
  reliability, credibility, selectors, structures it reports), and ``overlaps``: for each
  pair of partners, how many distinct selectors both hold (the hits a pool will find).
- ``ground_truth.json``: ``structures`` (id, kind, theme, themes, name, entities, uses /
  serves links between clients and providers, first/last seen, ``members`` with type, value,
  role, key and ``seen_by`` = the partners whose files carry it, ``key_members``) and
  ``decoys`` (type, value, reason, the structures a shared-hosting decoy links, seen_by).
  Selectors outside both lists are noise: each partner's own, never shared.
"""

# The seed of the demo and of a scenario generated without --seed.
DEFAULT_SEED = 20240501
