"""Importers for public threat feeds, one module per feed, each registered as ``feed:NAME``.

Every feed states the crime theme(s) of what it carries and gives each observation a role.
Fixed themes: Feodo Tracker, Bambenek C2 lists, Shadowserver sinkhole ``botnet``; URLhaus,
MalwareBazaar ``malware-distribution``; OpenPhish, PhishTank ``online-fraud``; blocklist.de,
DShield ``intrusion``; Spamhaus DROP/EDROP/ASN-DROP ``other``. ThreatFox, dataplane.org,
Team Cymru CAP and CERT-EU mix categories, so their importers read the file's categories in a
first pass and state the themes in a ``DocumentMeta`` before the records.

Roles used across the feeds:

- ``c2``: command-and-control server (IP, ip:port, host name, domain, URL)
- ``malware-distribution``: URL or host serving malware (drive-by, download, exploit kit)
- ``payload``: a malware sample (hashes, fuzzy hashes, file name)
- ``phishing``: phishing URL, or an address reported as running phishing
- ``hosting``: address a reported phishing site resolved to (may be shared hosting)
- ``botnet-member``: an infected client reported by a CERT or a bot census
- ``sinkhole-hit``: an infected client seen connecting to a sinkhole
- ``attacker``: source of brute force or other login/intrusion attempts
- ``scanner``: source of scans (darknet, honeypot, block-list of scanning netblocks)
- ``spam``: spam source or spam infrastructure
- ``proxy``: open or abused proxy
- ``open-resolver``: open DNS resolver (abusable for amplification)
- ``compromised``: compromised or defaced host, backdoor
- ``dropzone``: server receiving stolen data
- ``ddos``: DDoS infrastructure
- ``hijacked-netblock``: netblock hijacked or leased by criminal operations (Spamhaus DROP)
- ``rogue-asn``: autonomous system run by or for criminal operations (Spamhaus ASN-DROP)
- ``vulnerable``: vulnerable service reported to its owner
"""
