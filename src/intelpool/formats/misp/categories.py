"""MISP attribute categories: an observation's role <-> the attribute's category.

An import keeps the category as the role (``Network activity`` -> ``network-activity``). An
export writes the role back as the category when MISP allows that category for the type, and
otherwise uses the type's default category and keeps the role as an ``intelpool:role`` tag.
The table lists the categories MISP's describeTypes allows for the types an export writes.
"""

from __future__ import annotations

_NET = ("Network activity", "Payload delivery", "External analysis")
_HASH = ("Payload delivery", "Artifacts dropped", "Payload installation", "External analysis")
_MONEY = ("Financial fraud",)
_SOCIAL = ("Social network",)
ALL = ("Internal reference", "Targeting data", "Antivirus detection", "Payload delivery",
       "Artifacts dropped", "Payload installation", "Persistence mechanism", "Network activity",
       "Payload type", "Attribution", "External analysis", "Financial fraud", "Support Tool",
       "Social network", "Person", "Other")

# MISP type -> (default category, allowed categories)
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    **{t: ("Network activity", _NET) for t in (
        "ip-dst", "ip-src", "domain", "hostname", "url", "user-agent", "ja3-fingerprint-md5",
        "AS", "ip-dst|port", "ip-src|port")},
    "email": ("Social network", ("Payload delivery", "Network activity", "Attribution",
                                 "Social network", "Person")),
    "email-src": ("Payload delivery", ("Payload delivery", "Network activity",
                                       "Social network")),
    "email-dst": ("Network activity", ("Payload delivery", "Network activity",
                                       "Social network")),
    **{t: ("Payload delivery", _HASH) for t in ("md5", "sha1", "sha256")},
    **{t: ("Payload delivery", _HASH[:3]) for t in ("sha512", "ssdeep")},
    "tlsh": ("Payload delivery", ("Payload delivery", "Payload installation")),
    "filename": ("Payload delivery", (*_HASH, "Persistence mechanism")),
    "mutex": ("Artifacts dropped", ("Artifacts dropped",)),
    **{t: ("Network activity", (*_HASH, "Network activity", "Attribution"))
       for t in ("x509-fingerprint-sha1", "x509-fingerprint-sha256")},
    **{t: ("Financial fraud", _MONEY) for t in ("btc", "xmr", "iban", "bic", "bin")},
    "phone-number": ("Person", ("Financial fraud", "Person", "Other")),
    **{t: ("Social network", _SOCIAL) for t in ("github-username", "twitter-id", "jabber-id")},
    "text": ("Other", ALL),
}


def role_of(category: str) -> str:
    return category.strip().lower().replace(" ", "-")[:64]


_BY_ROLE = {role_of(c): c for c in ALL}


def category_for(misp_type: str, role: str) -> tuple[str, bool]:
    """The category to write, and whether it carries the role (else a role tag is needed)."""
    default, allowed = CATEGORIES.get(misp_type, ("Other", ALL))
    wanted = _BY_ROLE.get(role)
    if wanted and wanted in allowed:
        return wanted, True
    return default, False
