"""Spamhaus CERT feed: hosts in a CERT's networks seen infected or abusing others.

Comma separated lines under ``;`` comments, ten fields (Spamhaus may add more at the end):
``ip, asn, country, lastseen, botname, domain, remote_ip, remote_port, local_port, protocol``.
The bot name is either a malware family (the host is a bot) or an activity (``sshauth``
brute force, ``wpscanner``, ``openrelay``, ...), which decides role and theme. The host is the
selector, tagged with the bot name. What it connected to goes in the comment, not in a
selector: the feed does not say whether that was a live C&C or a sinkhole. The one exception
is ``l_spamlink``, whose URL field holds a link seen in the host's spam: that URL is a
selector of its own, and the local-port field names the spam software.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import (
    BadLine,
    Line,
    each_line,
    fields_between,
    ip_port,
    ip_type,
    parse_time,
    sniff_all,
    text_lines,
    themes_first,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer

_BOT = ("botnet-member", "botnet")
_ATTACK = ("attacker", "intrusion")
_SCAN = ("scanner", "intrusion")
_SPAM = ("spam", "other")
# bot name -> (role, theme); any other name is a malware family, so the host is a bot.
_ACTIVITIES = {
    "sshauth": _ATTACK, "telnetauth": _ATTACK, "smtpauth": _ATTACK, "pop": _ATTACK,
    "imap": _ATTACK, "authspoofbadehlo": _ATTACK, "automatedtest": _ATTACK,
    "iotscan": _SCAN, "iotuser": _SCAN, "wpscanner": _SCAN, "w_wplogin": _SCAN, "smb": _SCAN,
    "rdp": _SCAN, "iotrdp": _SCAN, "iotmicrosoftds": _SCAN,
    "openrelay": ("open-relay", "other"), "proxyget": ("proxy", "other"),
    "l_spamlink": _SPAM, "misc": _SPAM, "extortion": ("spam", "online-fraud"),
    "ioturl": ("malware-distribution", "malware-distribution"),
    "iotlogin": _BOT, "iotcmd": _BOT, "iotmirai": _BOT,
}
_SPAM_LINK = "l_spamlink"
_MAX_FIELDS = 32  # room for the fields Spamhaus says it may add


@importer("feed:spamhaus-cert", "Spamhaus CERT feed (infected and abusing hosts)",
          sniff=sniff_all(b"ip, asn, country, lastseen, botname"))
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield themes_first(stream, _bot_names(stream), lambda name: _classify(name)[1])
    yield from each_line(text_lines(stream, comments=(";",)), _line)


def _bot_names(stream: IO[bytes]) -> Iterator[str]:
    for item in text_lines(stream, comments=(";",)):
        if isinstance(item, Line):
            fields = item.text.split(",")
            if len(fields) > 4:
                yield fields[4].strip().lower()


def _classify(bot_name: str) -> tuple[str, str]:
    return _ACTIVITIES.get(bot_name, _BOT)


def _field(text: str) -> str | None:
    return None if text == "?" else value(text)


def _line(line: Line) -> Iterator[Record]:
    fields = [f.strip() for f in line.text.split(",")]
    fields_between(line, fields, 10, _MAX_FIELDS)
    address, asn, country, lastseen, bot_name = (_field(f) for f in fields[:5])
    domain, remote_ip, remote_port, local_port, protocol = (_field(f) for f in fields[5:10])
    if address is None:
        raise BadLine("line has no address")
    if bot_name is None:
        raise BadLine("line has no bot name")
    seen = parse_time(lastseen, "lastseen")
    name = bot_name.lower()
    role = _classify(name)[0]
    tags: tuple[str, ...] = (name,)
    if name == _SPAM_LINK:
        software = (local_port or "").split(":")
        if len(software) == 3 and software[2]:
            tags = (name, software[2])
        contact = None
    else:
        contact = _contact(domain, remote_ip, remote_port, protocol)
    comment = "; ".join(part for part in (_origin(asn, country), contact) if part) or None
    yield ObservationRecord(value=address, location=line.location, type=ip_type(address),
                            role=role, first_seen=seen, last_seen=seen, tags=tags,
                            comment=comment)
    if name == _SPAM_LINK:
        link = next((f for f in (domain, remote_ip) if f and "://" in f), None)
        if link is not None:
            yield ObservationRecord(value=link, location=line.location, type="url",
                                    role="spam-link", first_seen=seen, last_seen=seen,
                                    tags=tags, comment=f"in spam sent by {address}")


def _origin(asn: str | None, country: str | None) -> str | None:
    if asn:
        return f"announced by {asn} ({country})" if country else f"announced by {asn}"
    return f"located in {country}" if country else None


def _contact(domain: str | None, remote_ip: str | None, port: str | None,
             protocol: str | None) -> str | None:
    """What the host connected to, as the feed states it (a C&C or a sinkhole)."""
    # The domain field sometimes holds an address and port instead of a name.
    name = domain if domain and ":" not in domain else None
    host = remote_ip or name
    if host is None:
        return f"connected to {domain}" if domain else None
    target = ip_port(host, port) if port else host
    if protocol:
        target += f"/{protocol}"
    if name and name != host:
        return f"connected to {name} at {target}"
    return f"connected to {target}"
