"""Managing organisations, users and sharing groups, with permission checks and audit."""

from __future__ import annotations

import re

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from intelpool.access import Permission, Principal, Role, require
from intelpool.audit import service as audit
from intelpool.db.tables import organisations, sharing_group_members, sharing_groups, users
from intelpool.db.types import storable_text, utcnow
from intelpool.errors import Conflict, Forbidden, InvalidInput, NotFound
from intelpool.partners.models import Organisation, OrgKind, SharingGroup, User

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def add_organisation(
    conn: Connection, principal: Principal, name: str, kind: str, country: str | None
) -> Organisation:
    require(principal, Permission.PARTNERS_MANAGE)
    name = name.strip()
    if not name:
        raise InvalidInput("an organisation needs a name")
    storable_text(organisations.c.name, name, "an organisation name")
    try:
        org_kind = OrgKind(kind)
    except ValueError:
        raise InvalidInput(
            f"unknown organisation kind {kind!r}: use {', '.join(k.value for k in OrgKind)}"
        ) from None
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise InvalidInput(f"country {country!r} is not a two-letter ISO 3166 code")
    cc = country.upper() if country else None
    if org_kind is OrgKind.HOST and conn.execute(
        select(organisations.c.id).where(organisations.c.kind == "host")
    ).first():
        raise Conflict("the pool already has its host organisation")
    if conn.execute(select(organisations.c.id).where(organisations.c.name == name)).first():
        raise Conflict(f"organisation {name!r} already exists")
    org_id = conn.execute(
        insert(organisations).values(name=name, kind=org_kind.value, country=cc,
                                     created_at=utcnow())
    ).inserted_primary_key[0]  # type: ignore[index]
    audit.record(conn, principal, "organisation.add", subject_type="organisation",
                 subject_id=org_id, subject_organisation_id=org_id,
                 detail={"name": name, "kind": org_kind.value, "country": cc})
    return Organisation(org_id, name, org_kind, cc)


def list_organisations(conn: Connection) -> list[Organisation]:
    """The member list is known to every member: it is who they share with."""
    rows = conn.execute(select(organisations).order_by(organisations.c.name)).mappings()
    return [Organisation(r["id"], r["name"], OrgKind(r["kind"]), r["country"]) for r in rows]


def organisation_by_name(conn: Connection, name: str) -> Organisation:
    row = conn.execute(select(organisations).where(organisations.c.name == name)).mappings().first()
    if row is None:
        raise NotFound(f"no organisation named {name!r}")
    return Organisation(row["id"], row["name"], OrgKind(row["kind"]), row["country"])


def add_user(
    conn: Connection, principal: Principal, email: str, org_name: str, role: str
) -> User:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInput(f"{email!r} is not an e-mail address")
    storable_text(users.c.email, email, "an e-mail address")
    try:
        user_role = Role(role)
    except ValueError:
        raise InvalidInput(
            f"unknown role {role!r}: use {', '.join(r.value for r in Role)}"
        ) from None
    org = organisation_by_name(conn, org_name)
    require_manages_users_of(principal, org.id)
    if conn.execute(select(users.c.id).where(users.c.email == email)).first():
        raise Conflict(f"user {email!r} already exists")
    user_id = conn.execute(
        insert(users).values(email=email, organisation_id=org.id, role=user_role.value,
                             active=True, created_at=utcnow())
    ).inserted_primary_key[0]  # type: ignore[index]
    audit.record(conn, principal, "user.add", subject_type="user", subject_id=user_id,
                 subject_organisation_id=org.id,
                 detail={"email": email, "role": user_role.value, "organisation": org.name})
    return User(user_id, email, org.name, user_role.value)


def list_users(conn: Connection, principal: Principal, org_name: str | None) -> list[User]:
    query = select(users.c.id, users.c.email, organisations.c.name, users.c.role).join(
        organisations, organisations.c.id == users.c.organisation_id
    )
    if Permission.PARTNERS_MANAGE not in principal.permissions:
        require(principal, Permission.ORG_USERS_MANAGE)
        query = query.where(users.c.organisation_id == principal.organisation_id)
    if org_name:
        query = query.where(organisations.c.name == org_name)
    return [User(*r) for r in conn.execute(query.order_by(users.c.email))]


def require_manages_users_of(principal: Principal, org_id: int) -> None:
    """Host admins and the console operator manage every organisation; admins their own."""
    if Permission.PARTNERS_MANAGE in principal.permissions:
        return
    require(principal, Permission.ORG_USERS_MANAGE)
    if principal.organisation_id != org_id:
        raise Forbidden(f"{principal.describe()} may only manage its own organisation's users")


def add_group(
    conn: Connection, principal: Principal, name: str, members: list[str]
) -> SharingGroup:
    require(principal, Permission.PARTNERS_MANAGE)
    name = name.strip()
    if not name:
        raise InvalidInput("a sharing group needs a name")
    storable_text(sharing_groups.c.name, name, "a sharing group name")
    orgs = [organisation_by_name(conn, m) for m in dict.fromkeys(members)]
    try:
        with conn.begin_nested():
            group_id = conn.execute(
                insert(sharing_groups).values(name=name, created_at=utcnow())
            ).inserted_primary_key[0]  # type: ignore[index]
    except IntegrityError:
        raise Conflict(f"sharing group {name!r} already exists") from None
    if orgs:
        conn.execute(insert(sharing_group_members),
                     [{"group_id": group_id, "organisation_id": o.id} for o in orgs])
    audit.record(conn, principal, "group.add", subject_type="group", subject_id=group_id,
                 detail={"name": name, "members": [o.name for o in orgs]})
    return SharingGroup(group_id, name, tuple(sorted(o.name for o in orgs)))


def set_group_members(
    conn: Connection, principal: Principal, name: str, add: list[str], remove: list[str]
) -> SharingGroup:
    require(principal, Permission.PARTNERS_MANAGE)
    group = group_by_name(conn, name)
    for org_name in remove:
        org = organisation_by_name(conn, org_name)
        conn.execute(delete(sharing_group_members).where(
            sharing_group_members.c.group_id == group.id,
            sharing_group_members.c.organisation_id == org.id))
    for org_name in add:
        org = organisation_by_name(conn, org_name)
        if org.name not in group.members:
            conn.execute(insert(sharing_group_members).values(group_id=group.id,
                                                              organisation_id=org.id))
    audit.record(conn, principal, "group.members", subject_type="group", subject_id=group.id,
                 detail={"name": name, "added": add, "removed": remove})
    return group_by_name(conn, name)


def group_by_name(conn: Connection, name: str) -> SharingGroup:
    row = conn.execute(select(sharing_groups).where(sharing_groups.c.name == name)).first()
    if row is None:
        raise NotFound(f"no sharing group named {name!r}")
    return _group(conn, row.id, row.name)


def list_groups(conn: Connection) -> list[SharingGroup]:
    rows = conn.execute(select(sharing_groups).order_by(sharing_groups.c.name)).all()
    return [_group(conn, r.id, r.name) for r in rows]


def _group(conn: Connection, group_id: int, name: str) -> SharingGroup:
    members = conn.execute(
        select(organisations.c.name)
        .join(sharing_group_members, sharing_group_members.c.organisation_id == organisations.c.id)
        .where(sharing_group_members.c.group_id == group_id)
        .order_by(organisations.c.name)
    ).scalars()
    return SharingGroup(group_id, name, tuple(members))


def set_statistics_withheld(
    conn: Connection, principal: Principal, name: str, withheld: bool
) -> Organisation:
    """An organisation's own admin withholds (or releases) its data from partnership
    statistics; nobody else decides that for it."""
    org = organisation_by_name(conn, name)
    require(principal, Permission.ORG_USERS_MANAGE)
    if principal.organisation_id != org.id:
        raise Forbidden(f"{principal.describe()} may only decide for its own organisation")
    conn.execute(update(organisations).where(organisations.c.id == org.id)
                 .values(statistics_withheld=withheld))
    audit.record(conn, principal, "organisation.statistics", subject_type="organisation",
                 subject_id=org.id, subject_organisation_id=org.id,
                 detail={"statistics_withheld": withheld})
    return org
