"""Crime-classification tags (europol-incident, europol-event, RSIT/eCSIRT, common-taxonomy)
mapped to the taskforce's themes.

Keys are (namespace, predicate, value); a value of None is the predicate's default, used for
a tag without a value and for values the table does not list. Reading of the choices: an
infected system or a C2 server is botnet activity; DDoS floods are botnet activity; selling
tools or frameworks for attacks is crime-as-a-service; phishing and misuse of names or
resources are online fraud; probing, exploiting and unauthorised access are intrusion;
abusive content, vandalism and unclassified events are other.
"""

from __future__ import annotations

from intelpool.pool.themes import Theme

BOT, DIST, CAAS, FRAUD, INTR, OTHER = (Theme.BOTNET, Theme.MALWARE_DISTRIBUTION,
                                       Theme.CRIME_AS_A_SERVICE, Theme.ONLINE_FRAUD,
                                       Theme.INTRUSION, Theme.OTHER)

_Key = tuple[str, str, str | None]

_INCIDENT: dict[tuple[str, str | None], Theme] = {
    ("malware", None): DIST, ("malware", "infection"): BOT, ("malware", "distribution"): DIST,
    ("malware", "c&c"): BOT, ("malware", "command-and-control"): BOT,
    ("malware", "malicious-connection"): BOT, ("malware", "undetermined"): OTHER,
    ("availability", None): OTHER, ("availability", "dos-ddos"): BOT,
    ("information-gathering", None): INTR, ("information-gathering", "phishing"): FRAUD,
    ("intrusion-attempt", None): INTR, ("intrusion", None): INTR,
    ("information-security", None): INTR, ("fraud", None): FRAUD,
    ("abusive-content", None): OTHER, ("other", None): OTHER,
}

_EVENT: dict[str, Theme] = {
    **dict.fromkeys(("infected-by-known-malware", "c&c-server-hosting",
                     "connection-malware-port", "connection-malware-system", "flood",
                     "packet-flood"), BOT),
    **dict.fromkeys(("dissemination-malware-email", "hosting-malware-webpage",
                     "worm-spreading"), DIST),
    **dict.fromkeys(("exploit-tool-exhausting-resources",
                     "exploit-framework-exhausting-resources"), CAAS),
    **dict.fromkeys(("dissemination-phishing-emails", "hosting-phishing-sites",
                     "aggregation-information-phishing-schemes", "illegitimate-use-resources",
                     "illegitimate-use-name"), FRAUD),
    **dict.fromkeys(("system-probe", "network-scanning", "dns-zone-transfer", "wiretapping",
                     "exploit-attempt", "sql-injection-attempt", "xss-attempt",
                     "file-inclusion-attempt", "brute-force-attempt",
                     "password-cracking-attempt", "dictionary-attack-attempt", "exploit",
                     "sql-injection", "xss", "file-inclusion", "control-system-bypass",
                     "theft-access-credentials", "unauthorized-access-system",
                     "unauthorized-access-information", "data-exfiltration",
                     "modification-information", "deletion-information"), INTR),
    **dict.fromkeys(("vandalism", "disruption-data-transmission", "email-flooding", "spam",
                     "copyrighted-content", "content-forbidden-by-law", "unspecified",
                     "undetermined"), OTHER),
}

# RSIT and its predecessor eCSIRT share predicates; "test" gives no theme.
_RSIT: dict[tuple[str, str | None], Theme] = {
    ("malicious-code", None): DIST, ("malicious-code", "infected-system"): BOT,
    ("malicious-code", "c2-server"): BOT, ("malicious-code", "c&c"): BOT,
    ("malicious-code", "botnet-drone"): BOT, ("malicious-code", "malware-configuration"): BOT,
    ("information-gathering", None): INTR,
    ("information-gathering", "social-engineering"): FRAUD,
    ("intrusion-attempts", None): INTR, ("intrusions", None): INTR,
    ("intrusions", "bot"): BOT, ("information-content-security", None): INTR,
    ("availability", None): OTHER, ("availability", "dos"): BOT,
    ("availability", "ddos"): BOT, ("fraud", None): FRAUD, ("fraud", "copyright"): OTHER,
    ("abusive-content", None): OTHER, ("vulnerable", None): OTHER, ("other", None): OTHER,
}

THEME_TAGS: dict[_Key, Theme] = {
    **{("europol-incident", p, v): t for (p, v), t in _INCIDENT.items()},
    **{("common-taxonomy", p, v): t for (p, v), t in _INCIDENT.items()},
    **{("europol-event", p, None): t for p, t in _EVENT.items()},
    **{("rsit", p, v): t for (p, v), t in _RSIT.items()},
    **{("ecsirt", p, v): t for (p, v), t in _RSIT.items()},
}

# Export: the europol-incident tag that reads back as the same theme (None: no fitting tag;
# every theme is also written as intelpool:theme="...").
EXPORT_TAG: dict[Theme, str | None] = {
    Theme.MALWARE_DEVELOPMENT: None,
    Theme.MALWARE_TESTING: None,
    Theme.MALWARE_DISTRIBUTION: 'europol-incident:malware="distribution"',
    Theme.BOTNET: 'europol-incident:malware="c&c"',
    Theme.CRIME_AS_A_SERVICE: None,
    Theme.ONLINE_FRAUD: "europol-incident:fraud",
    Theme.INTRUSION: "europol-incident:intrusion",
    Theme.OTHER: 'europol-incident:other="other"',
}


def theme_of(namespace: str, predicate: str, value: str | None) -> Theme | None:
    found = THEME_TAGS.get((namespace, predicate, value))
    if found is None and value is not None:
        found = THEME_TAGS.get((namespace, predicate, None))
    return found
