"""The evidence behind the ground truth's marks, stated as partner files state it.

A key member is the one an investigator should act on first; where a structure has several
members of one role and marks one key, its files carry what real analysis would find that
sets it apart, never a label, and not always (each tie is drawn per viewer and per source):
- a botnet's C2 panel resolves to its key C2 servers (``resolves-to``), and payload samples
  call back to them (``communicates-with``, sandbox output);
- a fraud ring's phishing URLs serve its key kit (``related-to``: the kit found on the page),
  its phishing domains resolve to its key hosting address (``resolves-to``), and the key
  kit's configuration names the key drop mailbox (``related-to``);
- a ransomware affiliate's intrusion tools call back to its key C2 and name its key
  negotiation portal in their ransom notes;
- the other cash-out, ransom and deposit wallets pay into the key one (``pays-into``), and
  the key deposit wallet of a laundering service sweeps into its consolidation wallet.
A viewer that states the tie also states its target (it names it), so the target joins that
viewer's sightings. A tie goes into the file holding both its ends, as its format can say
it: STIX relationships, MISP analyst-data relationships, a CSV sheet's destination column;
a viewer whose files would part the two ends does not state it.

Payments attribution (``attribute``): financial-intelligence sheets name the subject an
account or wallet is attributed to. A planted wallet row names its owner's lead handle
(operator, leader, affiliate, seller, access seller), a mule account one of the members
who run the mules, most of the time; some unrelated rows name unrelated subjects, so
attribution is evidence, not a label.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from intelpool.scenario.model import Member, Selector, Structure

LEAD_ROLES = ("operator", "leader", "affiliate", "seller", "access-seller")
ATTRIBUTED = 0.7  # share of a planted wallet's or account's rows naming its holder
ATTRIBUTED_NOISE = 0.25  # share of unrelated rows naming an (unrelated) subject
PAYMENT_TYPES = frozenset({"btc-wallet", "iban"})
PAYS_INTO = "pays-into"
ATTRIBUTED_TO = "attributed-to"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A tie a viewer holding ``source`` may state, with the chance it does."""

    source: Member
    relationship: str
    target: Member
    chance: float


def candidates(structure: Structure) -> list[Candidate]:
    """The ties ``structure``'s data can show, by its members' roles and key marks."""
    keys: dict[str, list[Member]] = {}
    for m in structure.members:
        if m.key:
            keys.setdefault(m.role, []).append(m)
    out: list[Candidate] = []

    def tie(source_role: str, relationship: str, target_role: str, chance: float,
            sources: str = "all") -> None:
        """Sources of a role (all, only the key ones, or the others) tie to the key targets,
        spread over them when there are several."""
        targets = keys.get(target_role, [])
        chosen = [m for m in structure.members if m.role == source_role
                  and (sources == "all" or m.key == (sources == "key"))]
        for n, m in enumerate(chosen):
            if targets:
                out.append(Candidate(m, relationship, targets[n % len(targets)], chance))

    tie("c2-panel", "resolves-to", "c2", 0.6)
    tie("payload", "communicates-with", "c2", 0.25)
    tie("intrusion-tool", "communicates-with", "c2", 0.25)
    tie("intrusion-tool", "related-to", "negotiation-portal", 0.15)
    tie("phishing-url", "related-to", "phishing-kit", 0.35)
    tie("phishing-domain", "resolves-to", "phishing-hosting", 0.3)
    tie("phishing-kit", "related-to", "drop-mailbox", 0.6, sources="key")
    for role in ("cash-out", "ransom-wallet", "deposit-wallet"):
        tie(role, PAYS_INTO, role, 0.6, sources="others")
    tie("deposit-wallet", PAYS_INTO, "consolidation-wallet", 0.6, sources="key")
    return out


def lead(structure: Structure) -> Member | None:
    """The subject a structure's accounts are attributed to: its key lead handle."""
    return next((m for m in structure.members
                 if m.key and m.type == "handle" and m.role in LEAD_ROLES), None)


def holder(structure: Structure, selector: Selector, rng: random.Random) -> Member | None:
    """Whom an account is attributed to: a wallet to the structure's lead; a bank account,
    held by a money mule, to one of the members who recruit and run the mules."""
    if selector.type == "iban":
        runners = [m for m in structure.members if m.type == "handle" and m.role == "member"]
        if runners:
            return rng.choice(runners)
    return lead(structure)


def owner(structure: Structure, selector: Selector,
          structures: dict[str, Structure]) -> Structure:
    """Whose wallet ``selector`` is: a wallet bought from a provider is the provider's."""
    member = next((m for m in structure.members
                   if m.value == selector.value and m.type == selector.type), None)
    if member is None or member.twin is None:
        return structure
    for pid in structure.uses:
        provider = structures.get(pid)
        if provider is not None and any(m is member.twin for m in provider.members):
            return provider
    return structure


def attribute(selectors: list[Selector], partner: str, structures: dict[str, Structure],
              noise_subject: Callable[[random.Random], str],
              rng: random.Random) -> list[Selector]:
    """A payments sheet's rows, some naming the subject their account is attributed to.

    ``noise_subject(rng)`` draws an unrelated subject for an unrelated row. A named lead
    becomes the partner's sighting too (the sheet states it)."""
    out = []
    for sel in selectors:
        if sel.type not in PAYMENT_TYPES:
            out.append(sel)
            continue
        subject: str | None = None
        if sel.structure is None:
            if rng.random() < ATTRIBUTED_NOISE:
                subject = noise_subject(rng)
        elif rng.random() < ATTRIBUTED:
            found = holder(owner(structures[sel.structure], sel, structures), sel, rng)
            if found is not None:
                found.seen(partner)
                subject = found.value
        out.append(replace(sel, ties=(*sel.ties, (ATTRIBUTED_TO, "handle", subject)))
                   if subject else sel)
    return out
