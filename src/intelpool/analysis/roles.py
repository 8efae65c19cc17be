"""Roles selectors play in a criminal network, and how much each says about a target.

The issue of a target is what acting on it achieves: an operator's handle or a cash-out
wallet before a payload hash. Roles come from the data (CSV role columns, STIX indicator
labels and names, MISP comments); a role not listed here weighs little.
"""

from __future__ import annotations

ROLE_WEIGHT = {
    **dict.fromkeys(("operator", "leader", "affiliate", "seller", "access-seller", "admin",
                     "administrator", "crypter-seller", "vendor"), 1.0),
    **dict.fromkeys(("c2-panel", "loader-panel", "cash-out", "ransom-wallet", "drop-mailbox",
                     "negotiation-portal", "phishing-kit", "bulletproof-netblock",
                     "bulletproof-hosting", "provider-website", "crypting-service",
                     "sales-wallet", "payment-wallet", "deposit-wallet",
                     "consolidation-wallet"), 0.85),
    **dict.fromkeys(("c2", "phishing-hosting", "operator-contact", "provider-contact",
                     "mule-account", "member"), 0.5),
    **dict.fromkeys(("c2-domain", "exfiltration", "phishing-domain", "provider-server"), 0.3),
}


def strength(role: str) -> float:
    return ROLE_WEIGHT.get(role, 0.15)
