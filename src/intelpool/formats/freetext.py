"""Free text (a report, an e-mail body): selectors picked out of prose, line by line.

Each line is refanged first (``[.]``, ``(.)``, ``[dot]``, ``[@]``, ``[at]``, ``[:]``, also
with spaces around them, and the ``hxxp``/``fxp`` ... schemes of URLs; see
``intelpool.observables.refang``), then scanned in this order, a later pattern never taking
text an earlier one took: URLs with a scheme, e-mail addresses, CVE ids (skipped: not
selectors), ETH wallets, hashes (32/40/64/128 hex digits as whole words), IPv6 (with /prefix:
CIDR), then hosts: an IPv4 address (``/NN`` after it: CIDR), or a domain; a host followed by
``/path`` is a URL without a scheme; last IBANs (upper case, IBAN country, 15-34 characters)
and BTC wallets. A URL swallows its host and an e-mail address its domain. A port after an
address (``1.2.3.4:443``, ``[2001:db8::1]:443``) is dropped: the address is the selector.

Domains need a plausible top-level domain: any two letters (country codes), ``xn--`` names,
or one of a compact list of generic ones (com, net, org, xyz, top, onion ...). A name whose
last label is an executable, script, document or archive extension (exe, dll, js, ps1, pdf,
docx, xlsm, html, zip, rar, iso, lnk, py, sh ...) is a filename, never a domain, even where
that label is also a top-level domain (zip, sh, py, one); other dotted words are prose.

Candidates go out as observations with their type; the ingest service validates them and
rejects, with the reason, those that fail. Prose itself is never a rejection. Bytes that are
not UTF-8 are replaced (selectors are ASCII). Not supported: a selector split across lines
(the text is read line by line), internationalised domains written in Unicode.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import IO

from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer
from intelpool.observables import ObservableType, refang


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_GENERIC_TLDS = _words("""
    com net org info biz edu gov mil int mobi pro aero asia tel travel jobs cat coop museum
    xyz top online site club shop store app dev cloud live icu vip work tech space website
    fun link click buzz cyou monster rest bar onion bid loan download racing review stream
    trade party science cricket accountant faith gdn host press email support services
    network digital today world life news blog media agency solutions company zone center
    group ltd global design studio games lol kim cam bond sbs cfd quest autos uno wang xin
    ooo lat surf tokyo moe porn sex casino bet poker finance money bank pay
""")
_FILE_EXTENSIONS = _words("""
    exe dll scr sys cpl ocx drv msi msp msc bat cmd ps1 psm1 vbs vbe js jse wsf wsh hta lnk
    jar apk ipa dmg pkg deb rpm elf bin so iso img vhd vhdx py sh php asp aspx jsp
    pdf doc docx docm dot dotm xls xlsx xlsm xlsb xlam ppt pptx pptm rtf odt ods odp one chm
    html htm svg zip rar 7z gz tgz tar cab ace arj
""")
_IBAN_COUNTRIES = _words("""
    AD AE AL AT AZ BA BE BG BH BI BR BY CH CR CY CZ DE DJ DK DO EE EG ES FI FK FO FR GB GE GI
    GL GR GT HR HU IE IL IQ IS IT JO KW KZ LB LC LI LT LU LV LY MC MD ME MK MN MR MT MU NI NL
    NO OM PK PL PS PT QA RO RS RU SA SC SD SE SI SK SM SO ST SV TL TN TR UA VA VG XK
""")

# Dotted names, loosely (possessive, so prose costs no backtracking); the ingest service
# checks the labels, the top-level domain is checked here.
_DOMAIN = r"[a-z0-9_-]++(?:\.[a-z0-9_-]++)++"
_IPV4 = r"(?:\d{1,3}\.){3}\d{1,3}"
_PATH = r"[^\s<>\"'`\x00]*"
_URL = re.compile(r"\b(?:https?|ftps?|hxxps?|hxtps?|htxps?|h\*\*ps?|h__ps?|fxps?|meows?)://"
                  r"[^\s<>\"'`\x00]+", re.I)
_EMAIL = re.compile(rf"(?<![\w.%+-])[a-z0-9_%+-][a-z0-9._%+-]*@{_DOMAIN}(?![\w-])", re.I)
_CVE = re.compile(r"\bCVE-\d{4}-\d{4,}\b", re.I)
_ETH = re.compile(r"\b0x[0-9a-f]{40}\b", re.I)
_HASH = re.compile(r"\b(?:[0-9a-f]{128}|[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})\b", re.I)
_IPV6 = re.compile(
    r"(?<![\w:.])\[?(?P<ip>(?:[0-9a-f]{0,4}:){2,6}" + _IPV4 +
    r"|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})(?![\w]|\.\d)\]?(?:/(?P<plen>\d{1,3})\b)?", re.I)
_HOST = re.compile(
    rf"(?<![\w.@-])(?:(?P<ip>{_IPV4})(?!\.?\d)|(?P<domain>{_DOMAIN}))(?![\w@-])"
    rf"(?::\d{{1,5}}\b)?(?P<path>/{_PATH})?", re.I)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_BTC = re.compile(r"\b(?:bc1[02-9ac-hj-np-z]{11,71}|[13][1-9A-HJ-NP-Za-km-z]{25,34})\b")
_TRAILING = ".,;:!?'\"*"
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}

Found = tuple[int, int, str, str]  # start, end, type, value


def trim(text: str) -> str:
    """Drop trailing punctuation and unbalanced closing brackets from a selector."""
    while text:
        last = text[-1]
        if last in _TRAILING or (last in _CLOSERS and
                                 text.count(_CLOSERS[last]) < text.count(last)):
            text = text[:-1]
        else:
            break
    return text


def _urls(line: str) -> Iterator[Found]:
    for m in _URL.finditer(line):
        value = trim(m.group())
        yield m.start(), m.start() + len(value), ObservableType.URL, refang(value)


def _emails(line: str) -> Iterator[Found]:
    for m in _EMAIL.finditer(line):
        yield m.start(), m.end(), ObservableType.EMAIL, m.group()


def _cves(line: str) -> Iterator[Found]:
    for m in _CVE.finditer(line):
        yield m.start(), m.end(), "", ""  # taken so nothing inside reads as a selector


def _wallets_eth(line: str) -> Iterator[Found]:
    for m in _ETH.finditer(line):
        yield m.start(), m.end(), ObservableType.ETH_WALLET, m.group()


def _hashes(line: str) -> Iterator[Found]:
    kinds = {32: ObservableType.MD5, 40: ObservableType.SHA1, 64: ObservableType.SHA256,
             128: ObservableType.SHA512}
    for m in _HASH.finditer(line):
        yield m.start(), m.end(), kinds[len(m.group())], m.group()


def _ipv6(line: str) -> Iterator[Found]:
    for m in _IPV6.finditer(line):
        address = m.group("ip")
        if not any(c not in ":." for c in address):
            continue
        for candidate in (address, address.rstrip(":")):
            try:
                ipaddress.IPv6Address(candidate)
            except ValueError:
                continue
            end = m.start("ip") + len(candidate)
            if m.group("plen") and candidate == address:
                yield m.start(), m.end(), ObservableType.CIDR, f"{address}/{m.group('plen')}"
            else:
                yield m.start(), end, ObservableType.IPV6, candidate
            break  # times (10:30:00) and MAC addresses are not addresses: no candidate


def _hosts(line: str) -> Iterator[Found]:
    for m in _HOST.finditer(line):
        path = trim(m.group("path") or "")
        start, end = m.start(), m.end() - len(m.group("path") or "") + len(path)
        if m.group("ip"):
            if re.fullmatch(r"/\d{1,2}", path) and ":" not in line[start:end]:
                yield start, end, ObservableType.CIDR, m.group("ip") + path
            elif len(path) > 1:
                yield start, end, ObservableType.URL, line[start:end]
            else:
                yield start, m.start() + len(m.group("ip")), ObservableType.IPV4, m.group("ip")
            continue
        name = m.group("domain")
        tld = name.rsplit(".", 1)[-1].lower()
        if tld in _FILE_EXTENSIONS and not path:
            yield start, m.start() + len(name), ObservableType.FILENAME, name
        elif tld in _GENERIC_TLDS or re.fullmatch(r"[a-z]{2}|xn--[a-z0-9-]+", tld):
            if len(path) > 1:
                yield start, end, ObservableType.URL, line[start:end]
            else:
                yield start, m.start() + len(name), ObservableType.DOMAIN, name


def _ibans(line: str) -> Iterator[Found]:
    for m in _IBAN.finditer(line):
        compact = m.group().replace(" ", "")
        if m.group()[:2] not in _IBAN_COUNTRIES or not 15 <= len(compact) <= 34:
            continue
        # Upper-case words after a spaced IBAN look like groups: keep the longest prefix
        # whose check digits hold, else the whole candidate (the ingest service says why).
        best = next((n for n in range(len(compact), 14, -1) if _iban_ok(compact[:n])),
                    len(compact))
        taken = _prefix_span(m.group(), best)
        yield m.start(), m.start() + taken, ObservableType.IBAN, compact[:best]


def _iban_ok(text: str) -> bool:
    digits = "".join(str(int(c, 36)) for c in text[4:] + text[:4])
    return int(digits) % 97 == 1


def _prefix_span(spaced: str, length: int) -> int:
    """How many characters of ``spaced`` hold its first ``length`` non-space characters."""
    seen = 0
    for index, char in enumerate(spaced):
        seen += char != " "
        if seen == length:
            return index + 1
    return len(spaced)


def _btc(line: str) -> Iterator[Found]:
    for m in _BTC.finditer(line):
        text = m.group()
        # Base58 words that are plain hex, or carry no digit, are prose or hashes.
        if text.startswith("bc1") or (any(c.isdigit() for c in text[1:]) and
                                      not re.fullmatch(r"[0-9a-fA-F]+", text)):
            yield m.start(), m.end(), ObservableType.BTC_WALLET, text


# In order of precedence, each with what a line must hold for it to look (a cheap test).
_SCANNERS = ((_urls, re.compile("://")), (_emails, re.compile("@")), (_cves, re.compile("-")),
             (_wallets_eth, re.compile("0x")), (_hashes, re.compile("[0-9a-fA-F]{32}")),
             (_ipv6, re.compile(":.*:")), (_hosts, re.compile(r"\w\.\w")),
             (_ibans, re.compile("[A-Z]{2}[0-9]{2}")), (_btc, re.compile("[13]|bc1")))


def extract(line: str) -> list[tuple[str, str]]:
    """The (type, value) selectors of one line of prose, in reading order."""
    text = refang(line) if line.strip() else ""
    taken = bytearray(len(text))
    found: list[Found] = []
    for scan, trigger in _SCANNERS:
        for start, end, kind, value in scan(text) if trigger.search(text) else ():
            if end <= start or taken.find(1, start, end) != -1:
                continue
            taken[start:end] = b"\x01" * (end - start)
            if kind:
                found.append((start, end, kind, value))
    return [(kind, value) for _, _, kind, value in sorted(found)]


def text_records(text: str, where: str) -> Iterator[ObservationRecord]:
    """Observations of the selectors in ``text`` (already decoded), located ``{where} line N``:
    for formats whose text comes out of a container (a PDF page, an e-mail part)."""
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, value in extract(line):
            yield ObservationRecord(value=value, location=f"{where} line {number}", type=kind)


@importer("freetext", "selectors picked out of prose (a report, an e-mail body); "
          "never chosen automatically")
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    for number, raw in enumerate(stream, start=1):
        for kind, value in extract(raw.decode("utf-8", errors="replace")):
            yield ObservationRecord(value=value, location=f"line {number}", type=kind)
