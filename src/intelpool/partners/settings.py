"""Reading one organisation's settings, for its admin (or a host admin): whether its
contributions count in partnership statistics, and the handling of what it adds over TAXII.
The setters stay with their owners (``partners.service``, ``pool.taxii_submit``); this is the
one place that decides who may read them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from intelpool.access import Permission, Principal, require
from intelpool.db.tables import organisations
from intelpool.errors import NotFound
from intelpool.partners.service import organisation_by_name


@dataclass(frozen=True, slots=True)
class OrganisationSettings:
    organisation: str
    kind: str
    statistics_withheld: bool
    taxii_tlp: str
    taxii_audience: list[str]
    # Only the organisation's own admin withholds its data from statistics (a host admin
    # reads the choice of another organisation but does not make it).
    may_set_statistics: bool


def organisation_settings(conn: Connection, principal: Principal,
                          name: str) -> OrganisationSettings:
    """An admin reads its own organisation's settings, a host admin any organisation's; to
    any other admin another organisation's settings read like a missing organisation."""
    from intelpool.pool import taxii_submit

    require(principal, Permission.ORG_USERS_MANAGE)
    try:
        org = organisation_by_name(conn, name)
    except NotFound:
        raise NotFound(f"no organisation named {name!r}") from None
    if Permission.PARTNERS_MANAGE not in principal.permissions \
            and org.id != principal.organisation_id:
        raise NotFound(f"no organisation named {name!r}")
    withheld = conn.execute(select(organisations.c.statistics_withheld).where(
        organisations.c.id == org.id)).scalar_one()
    tlp, audience = taxii_submit.defaults(conn, org.id)
    return OrganisationSettings(org.name, org.kind.value, bool(withheld), tlp, audience,
                                org.id == principal.organisation_id)
