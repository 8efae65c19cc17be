"""What a scenario is made of: partners and their policies, structures, sightings, files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Policy:
    """The handling and evaluation a partner puts on every contribution it makes."""

    tlp: str
    audience: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    h3_text: str | None = None
    pap: str | None = None
    anonymous: bool = False
    scheme: str = "admiralty"
    reliability: str | None = None
    credibility: str | None = None

    def as_manifest(self) -> dict[str, Any]:
        return {"tlp": self.tlp, "audience": list(self.audience),
                "handling_codes": list(self.codes), "h3_text": self.h3_text, "pap": self.pap,
                "anonymous": self.anonymous, "evaluation_scheme": self.scheme,
                "reliability": self.reliability, "credibility": self.credibility}


@dataclass(frozen=True, slots=True)
class UserSpec:
    email: str
    role: str


@dataclass(frozen=True, slots=True)
class Partner:
    name: str
    kind: str  # host, law-enforcement, private, cert
    country: str
    slug: str
    format: str  # the format the partner writes its contributions in
    policy: Policy
    users: tuple[UserSpec, ...]
    brand: str | None = None  # a bank's brand word, which phishing domains imitate

    @property
    def submitter(self) -> str:
        """The user who submits: the liaison officer of a police partner, else the analyst."""
        for role in ("contributor", "analyst"):
            for u in self.users:
                if u.role == role:
                    return u.email
        return self.users[0].email

    @property
    def analyst(self) -> str:
        return next(u.email for u in self.users if u.role == "analyst")


@dataclass(frozen=True, slots=True)
class GroupSpec:
    name: str
    members: tuple[str, ...]


@dataclass(slots=True)
class Member:
    """One selector of a structure, with the partners whose files carry it."""

    type: str
    value: str
    role: str
    key: bool = False
    seen_by: set[str] = field(default_factory=set)
    # The same selector as a member of the provider structure it came from (a BPH server).
    twin: Member | None = None

    def seen(self, partner: str) -> None:
        self.seen_by.add(partner)
        if self.twin is not None:
            self.twin.seen_by.add(partner)

    def as_truth(self) -> dict[str, Any]:
        return {"type": self.type, "value": self.value, "role": self.role, "key": self.key,
                "seen_by": sorted(self.seen_by)}


@dataclass(frozen=True, slots=True)
class Entity:
    """A named thing a police file states: threat actor, malware family, tool, ..."""

    kind: str  # STIX type: threat-actor, intrusion-set, malware, tool, infrastructure
    name: str
    detail: str  # malware_types / threat_actor_types / infrastructure_types value
    aliases: tuple[str, ...] = ()


@dataclass(slots=True)
class Structure:
    id: str
    kind: str
    theme: str
    name: str
    entities: list[Entity]
    members: list[Member]
    start: datetime
    end: datetime
    victims: tuple[str, ...] = ()  # countries whose police see it
    targets: tuple[str, ...] = ()  # banks it attacks
    uses: list[str] = field(default_factory=list)  # providers it buys from
    serves: list[str] = field(default_factory=list)  # clients of a provider
    decoys: list[Member] = field(default_factory=list)  # shared, unrelated infrastructure
    themes: tuple[str, ...] = ()

    def as_truth(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "theme": self.theme, "themes": list(self.themes),
            "name": self.name, "uses": self.uses, "serves": self.serves,
            "entities": [{"kind": e.kind, "name": e.name, "aliases": list(e.aliases)}
                         for e in self.entities],
            "first_seen": self.start.strftime("%Y-%m-%d"),
            "last_seen": self.end.strftime("%Y-%m-%d"),
            "members": [m.as_truth() for m in self.members],
            "key_members": [{"type": m.type, "value": m.value, "role": m.role}
                            for m in self.members if m.key],
        }


# What a file states about a selector besides itself: (relationship, type, value) of another
# selector it names, e.g. ("resolves-to", "ipv4", ...) or ("attributed-to", "handle", ...).
Tie = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Selector:
    """One line/indicator/attribute of a contribution file."""

    type: str
    value: str
    role: str | None
    first_seen: datetime
    last_seen: datetime
    structure: str | None = None  # the planted structure it belongs to, if any
    tags: tuple[str, ...] = ()
    ties: tuple[Tie, ...] = ()  # stated in the same file, as its format can (``evidence``)


@dataclass(slots=True)
class FileSpec:
    """One contribution file as the writers receive it."""

    seq: int
    partner: Partner
    format: str
    label: str
    title: str
    themes: tuple[str, ...]
    created: datetime
    selectors: list[Selector]
    structures: list[Structure]

    @property
    def name(self) -> str:
        ext = {"stix": "json", "misp": "json", "csv": "csv", "text": "txt"}[self.format]
        return f"{self.seq:05d}-{self.partner.slug}-{self.label}.{ext}"
