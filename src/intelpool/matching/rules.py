"""The matching rules as SQL: one statement per rule, written for the store at hand.

Every rule reads the probe (``tmp_probe``, with ``tmp_cidr_keys`` and ``tmp_parents``) and
adds to ``tmp_match`` each observable of another organisation that matches a probe row, with
its type (which the hit summary counts by). The probe drives every rule, and each probe row
finds its matches through one index of ``observables``; who holds a match is then one index
lookup in ``observations`` and one in ``contributions``. No plan may compare every probe
with every observable:

- SQLite: CROSS JOIN fixes the join order, and the rules on address ranges and names, and
  observations, name their index: without statistics its planner would rather build a
  throw-away index (on the type alone, or over every observation) and read the whole table
  to make it.
- PostgreSQL: the matched observable, its observations and their contributions are LATERAL
  subqueries run once per row of the level above, fenced with ``OFFSET 0`` so the planner
  cannot flatten them into a join. Planner statistics can be stale (autovacuum may be off,
  a pool grows fast): with a flattened join, an estimate of one matching row once made the
  planner compare every observable with every probe, minutes for a medium submission.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from intelpool.db import bulk


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    kind: str  # SQL for the kind of match; may use p (the probe) and x (the match)
    probe_is_a: bool  # is the probe the specific side (IP, URL, e-mail, subdomain)?
    source: str  # the probe rows that drive the rule, as p (and k or t)
    probe_filter: str  # which probe rows the rule applies to
    match: str  # what makes observable x a match of one probe row
    index: str  # the index of observables that finds x
    containing: bool = False  # the probe is the containing side (CIDR, domain)
    name_index_on_sqlite: bool = False  # (rowid and unique lookups need no naming)


_ALL = "true"
_PROBE = "tmp_probe p"
RULES = (
    # A probe this transaction wrote is held by nobody else yet (PostgreSQL marks it fresh).
    Rule("exact", "'exact'", True, _PROBE, "p.fresh IS NOT TRUE",
         "x.id = p.observable_id", "pk_observables"),
    Rule("cidr", "'cidr'", True,
         "tmp_cidr_keys k JOIN tmp_probe p ON p.probe_key = k.probe_key", _ALL,
         "x.type = 'cidr' AND x.ip_lo = k.lo AND x.ip_hi >= p.ip_lo",
         "ix_observables_type_ip_lo", name_index_on_sqlite=True),
    Rule("host", "CASE WHEN p.type = 'email' THEN 'email-domain' ELSE 'url-host' END", True,
         _PROBE, "p.type IN ('url', 'email')",
         "x.type IN ('domain', 'hostname') AND x.value = p.host", "uq_observables_type_value"),
    Rule("parent", "'subdomain'", True,
         "tmp_parents t JOIN tmp_probe p ON p.probe_key = t.probe_key", _ALL,
         "x.type = 'domain' AND x.value = t.parent", "uq_observables_type_value"),
    Rule("addresses-in-cidr", "'cidr'", False, _PROBE, "p.type = 'cidr'",
         "x.type IN ('ipv4', 'ipv6') AND x.ip_lo >= p.ip_lo AND x.ip_lo <= p.ip_hi",
         "ix_observables_type_ip_lo", containing=True, name_index_on_sqlite=True),
    Rule("urls-on-host",
         "CASE WHEN x.type = 'email' THEN 'email-domain' ELSE 'url-host' END", False,
         _PROBE, "p.type IN ('domain', 'hostname')",
         "x.type IN ('url', 'email') AND x.rev_name = p.rev_name",
         "ix_observables_type_rev_name", containing=True, name_index_on_sqlite=True),
    Rule("subdomains", "'subdomain'", False, _PROBE, "p.type = 'domain'",
         "x.type = 'domain' AND x.rev_name > (p.rev_name || '.') "
         "AND x.rev_name < (p.rev_name || '/')",
         "ix_observables_type_rev_name", containing=True, name_index_on_sqlite=True),
)

_INSERT = ("INSERT INTO tmp_match (probe_key, other_id, other_type, org_id, contribution_id, "
           "kind, probe_is_a) ")
_GROUP = " GROUP BY p.probe_key, x.id, x.type, hc.originator_id, p.type"


def statements(conn: Connection, me: int, *, both_directions: bool = True,
               exact_only_above: bool = False,
               new_from: int | None = None) -> list[tuple[Rule, str]]:
    """Each rule that applies with its INSERT ... SELECT into tmp_match.

    ``exact_only_above`` keeps exact matches with organisations of a higher id only (a
    rematch meets each pair from both sides); observables from id ``new_from`` on need no
    exact rule (the caller knows nobody else can hold them yet).
    """
    sqlite = bulk.is_sqlite(conn)
    found = []
    for rule in RULES:
        if rule.containing and not both_directions:
            continue
        match, held = rule.match, f"hc.originator_id <> {int(me)}"
        if rule.name == "exact":
            if new_from is not None:
                match += f" AND x.id < {int(new_from)}"
            if exact_only_above:
                held += f" AND hc.originator_id > {int(me)}"
        render = _sqlite if sqlite else _postgresql
        found.append((rule, render(rule, match, held)))
    return found


def _select(rule: Rule) -> str:
    return (f"SELECT p.probe_key, x.id, x.type, hc.originator_id, max(hc.id), {rule.kind}, "
            f"{'true' if rule.probe_is_a else 'false'} ")


def _sqlite(rule: Rule, match: str, held: str) -> str:
    indexed = f" INDEXED BY {rule.index}" if rule.name_index_on_sqlite else ""
    return (_INSERT + _select(rule) +
            f"FROM {rule.source} CROSS JOIN observables x{indexed} ON {match} "
            "AND x.warning IS NULL "
            "CROSS JOIN observations h INDEXED BY ix_observations_observable_id "
            "ON h.observable_id = x.id "
            f"CROSS JOIN contributions hc ON hc.id = h.contribution_id AND {held} "
            f"WHERE {rule.probe_filter}" + _GROUP)


def _postgresql(rule: Rule, match: str, held: str) -> str:
    source = rule.source
    if source == _PROBE:
        # The rule's probe rows read in one pass, fenced: grouped by probe_key, the planner
        # took them all through the probe's primary key instead (a page per row, and every
        # row for a rule no probe row applies to).
        source = f"(SELECT * FROM {_PROBE} WHERE {rule.probe_filter} OFFSET 0) p"
    return (_INSERT + _select(rule) +
            f"FROM {source} "
            "CROSS JOIN LATERAL (SELECT x.id, x.type FROM observables x "
            f"WHERE {match} AND x.warning IS NULL OFFSET 0) x "
            "CROSS JOIN LATERAL (SELECT h.contribution_id FROM observations h "
            "WHERE h.observable_id = x.id OFFSET 0) h "
            "CROSS JOIN LATERAL (SELECT hc.id, hc.originator_id FROM contributions hc "
            f"WHERE hc.id = h.contribution_id AND {held} OFFSET 0) hc "
            f"WHERE {rule.probe_filter}" + _GROUP)
