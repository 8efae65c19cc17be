"""The taskforce roster: a host centre, police of eight countries, three banks and a CERT.

Every partner has one handling policy (TLP, audience, handling codes, PAP, anonymity) and one
evaluation habit, as real partners do: police evaluate in 4x4, banks and the CERT in the
admiralty scale. Names are fictitious; e-mail domains are under ``.example``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from intelpool.scenario.model import GroupSpec, Partner, Policy, UserSpec

HOST = "Taskforce Coordination Centre"
EU_LE = "EU law enforcement"
FINANCE = "Financial sector"
RANSOMWARE = "Ransomware working group"

# Which formats each kind writes natively; any kind may be redirected (see ``with_formats``).
FORMATS = ("stix", "misp", "csv", "text")

_LE: tuple[tuple[str, Policy], ...] = (
    ("DE", Policy("amber", (f"group:{EU_LE}", f"org:{HOST}"), ("H1",), scheme="4x4",
                  reliability="B", credibility="2")),
    ("FR", Policy("amber", (f"group:{EU_LE}",), ("H2",), scheme="4x4", reliability="A",
                  credibility="2")),
    ("NL", Policy("green", (), ("H1",), scheme="4x4", reliability="B", credibility="1")),
    ("ES", Policy("amber", (f"group:{EU_LE}", f"org:{HOST}"), ("H1",), anonymous=True,
                  scheme="4x4", reliability="B", credibility="3")),
    ("IT", Policy("amber", (f"group:{EU_LE}",), (),
                  h3_text="Not to be shared with private partners without the originator's "
                          "consent", scheme="4x4", reliability="C", credibility="2")),
    ("PL", Policy("green", (), ("H0",), scheme="4x4", reliability="B", credibility="2")),
    ("US", Policy("amber", (f"org:{HOST}", f"group:{RANSOMWARE}"), ("H2",), scheme="4x4",
                  reliability="A", credibility="3")),
    ("UA", Policy("amber+strict", (f"org:{HOST}", "org:Police DE"), ("H1",), scheme="4x4",
                  reliability="X", credibility="3")),
)
_BANKS: tuple[tuple[str, str, str, str, Policy], ...] = (
    ("Bank Aurelia", "aurelia", "DE", "misp",
     Policy("amber", (f"group:{FINANCE}",), pap="amber", reliability="B", credibility="2")),
    ("Banca Meridiana", "meridiana", "IT", "csv",
     Policy("green", (), pap="green", reliability="C", credibility="3")),
    ("Nordwind Bank", "nordwind", "NL", "misp",
     Policy("amber", (f"group:{FINANCE}", f"org:{HOST}"), pap="green", reliability="B",
            credibility="2")),
)


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def _users(slug: str, roles: tuple[str, ...]) -> tuple[UserSpec, ...]:
    names = {"admin": "admin", "analyst": "analyst", "contributor": "liaison"}
    return tuple(UserSpec(f"{names[r]}@{slug}.example", r) for r in roles)


def roster() -> list[Partner]:
    partners = [Partner(HOST, "host", "NL", "taskforce", "stix",
                        Policy("green", (), ("H0",), scheme="4x4", reliability="B",
                               credibility="2"),
                        _users("taskforce", ("admin", "analyst")))]
    for country, policy in _LE:
        slug = f"police-{country.lower()}"
        partners.append(Partner(f"Police {country}", "law-enforcement", country, slug, "stix",
                                policy, _users(slug, ("admin", "analyst", "contributor"))))
    for name, brand, country, fmt, policy in _BANKS:
        slug = _slug(name)
        partners.append(Partner(name, "private", country, slug, fmt, policy,
                                _users(slug, ("admin", "analyst")), brand=brand))
    partners.append(Partner("National CERT", "cert", "NL", "national-cert", "text",
                            Policy("green", (), pap="clear", reliability="B", credibility="3"),
                            _users("national-cert", ("admin", "analyst"))))
    return partners


def groups(partners: list[Partner]) -> list[GroupSpec]:
    eu = ("DE", "FR", "NL", "ES", "IT", "PL")
    le = [p.name for p in partners if p.kind == "law-enforcement"]
    return [
        GroupSpec(EU_LE, (HOST, *[n for n in le if n[-2:] in eu])),
        GroupSpec(FINANCE, (HOST, *[p.name for p in partners if p.kind in ("private", "cert")])),
        GroupSpec(RANSOMWARE, (HOST, *[n for n in le if n[-2:] in ("DE", "FR", "NL", "US", "UA")])),
    ]


def with_formats(partners: list[Partner], by_kind: Mapping[str, str]) -> list[Partner]:
    """The roster with the formats of some partner kinds replaced (e.g. private=csv)."""
    return [replace(p, format=by_kind.get(p.kind, p.format)) for p in partners]
