"""The statistics summary, kept in the transaction that changes observations.

Every path that adds, removes, retypes or moves observations calls this module:
- ``record`` after a submission stored its observations (new contributions only);
- ``refresh`` after observations of existing contributions changed (retyping, merging);
- ``record(conn, None)`` fills the summary of a whole pool (the migration).
Counts are per contribution, so every read applies the visibility predicate to the
contributions the rows belong to, exactly as on raw observations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Date,
    Select,
    TableClause,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    union_all,
)

from intelpool.db.tables import (
    contributions,
    observables,
    observation_counts,
    observations,
    shared_observations,
    subject_counts,
)
from intelpool.pool.written import WRITTEN

# Trend subjects that come from an observation's selector (themes and named things come
# from its contribution).
SELECTOR_CATEGORIES = ("network", "tld", "phishing-brand", "cash-out")
_WALLETS = ("btc-wallet", "eth-wallet", "xmr-wallet")


def day_of(conn: Connection, moment: ColumnElement[Any]) -> ColumnElement[Any]:
    """The UTC calendar day of a stored time, as a date."""
    if conn.dialect.name == "postgresql":
        return cast(func.timezone("UTC", moment), Date)
    return func.date(moment)


def observation_day(conn: Connection) -> ColumnElement[Any]:
    """The day an observation counts on: its first sighting, else its contribution's arrival
    (the time statistics and trends have always used)."""
    return day_of(conn, func.coalesce(observations.c.first_seen, contributions.c.received_at))


def _facts() -> Any:
    return observations.join(contributions,
                             contributions.c.id == observations.c.contribution_id).join(
        observables, observables.c.id == observations.c.observable_id)


def _of(ids: Sequence[int] | None) -> ColumnElement[bool]:
    return true() if ids is None else observations.c.contribution_id.in_(list(ids))


def record(conn: Connection, contribution_ids: Sequence[int] | None, *,
           shared: bool = True) -> None:
    """Count the observations of these contributions (None: of every contribution), which
    have no summary rows yet; ``shared=False`` leaves the shared selectors to
    ``mark_shared``, which a submission runs once it holds the matching lock."""
    if contribution_ids is not None and not contribution_ids:
        return
    _count(conn, contribution_ids)
    _count_subjects(conn, contribution_ids)
    if shared:
        _mark_shared(conn, contribution_ids)


def record_written(conn: Connection, contribution_ids: Sequence[int]) -> None:
    """Count a submission's observations from its scratch table (``pool/written.py``, filled
    for these contributions), read once for every grouping; the shared selectors are left to
    ``mark_shared``."""
    if contribution_ids:
        _count(conn, contribution_ids, WRITTEN)
        _count_subjects(conn, contribution_ids, WRITTEN)


def mark_shared(conn: Connection, contribution_ids: Sequence[int]) -> None:
    """Copy the observations of selectors these contributions share with others, the others'
    included. Run under the matching lock (held to commit): two submissions of one selector
    writing at the same time cannot see each other's rows, so the later one, which sees the
    earlier once it has the lock, copies both."""
    if contribution_ids:
        _mark_shared(conn, contribution_ids, WRITTEN)


def refresh(conn: Connection, observable_ids: Sequence[int]) -> None:
    """Count again every contribution holding one of these selectors, after their
    observations were retyped, merged or removed."""
    if not observable_ids:
        return
    ids = list(observable_ids)
    held = sorted(conn.execute(select(observations.c.contribution_id).where(
        observations.c.observable_id.in_(ids)).distinct()).scalars())
    conn.execute(delete(shared_observations).where(
        or_(shared_observations.c.observable_id.in_(ids),
            shared_observations.c.contribution_id.in_(held))))
    for table in (observation_counts, subject_counts):
        conn.execute(delete(table).where(table.c.contribution_id.in_(held)))
    _count(conn, held)
    _count_subjects(conn, held)
    _mark_shared(conn, held)


@dataclass(frozen=True, slots=True)
class _Rows:
    """Where observations are counted from: the stored rows (``observations`` joined with
    ``observables``) or a submission's scratch table, which holds both in one row."""

    facts: Any
    where: ColumnElement[bool]
    contribution: ColumnElement[Any]
    day: ColumnElement[Any]
    type: ColumnElement[Any]
    reported: ColumnElement[Any]
    observation: Any  # what holds the role
    selector: Any  # what holds the type, value and reversed name


def _rows(conn: Connection, ids: Sequence[int] | None, written: TableClause | None) -> _Rows:
    if written is not None:
        w = written.c
        return _Rows(written, true(), w.contribution_id, w.day, w.type, w.reported, written,
                     written)
    return _Rows(_facts(), _of(ids), observations.c.contribution_id, observation_day(conn),
                 observables.c.type, observations.c.first_seen.is_not(None), observations,
                 observables)


def _count(conn: Connection, ids: Sequence[int] | None,
           written: TableClause | None = None) -> None:
    r = _rows(conn, ids, written)
    query = (select(r.contribution, r.day, r.type, r.reported, func.count())
             .select_from(r.facts).where(r.where)
             .group_by(r.contribution, r.day, r.type, r.reported))
    conn.execute(insert(observation_counts).from_select(
        ["contribution_id", "day", "type", "reported", "observations"], query))


# Categories only selectors of these types can have: a submission without any skips them.
_ONLY_TYPES = {"network": ("asn", "cidr"), "cash-out": (*_WALLETS, "iban"),
               "phishing-brand": ("domain", "hostname", "url")}


def _count_subjects(conn: Connection, ids: Sequence[int] | None,
                    written: TableClause | None = None) -> None:
    r = _rows(conn, ids, written)
    oc = observation_counts
    held = select(oc.c.type).distinct()
    if ids is not None:
        held = held.where(oc.c.contribution_id.in_(list(ids)))
    types = set(conn.execute(held).scalars())
    for category in SELECTOR_CATEGORIES:
        if category in _ONLY_TYPES and not types.intersection(_ONLY_TYPES[category]):
            continue
        subject, condition = subject_of(conn, category, (r.observation, r.selector))
        query = (select(r.contribution, r.day, literal(category), subject, func.count())
                 .select_from(r.facts)
                 .where(r.where, condition, subject.is_not(None), subject != "")
                 .group_by(r.contribution, r.day, subject))
        conn.execute(insert(subject_counts).from_select(
            ["contribution_id", "day", "category", "subject", "observations"], query))


def _mark_shared(conn: Connection, ids: Sequence[int] | None,
                 written: TableClause | None = None) -> None:
    """Copy every observation of a selector held by two contributions or more, for selectors
    these contributions hold, unless copied before; ``written``: their observations are in
    the submission's scratch table (``pool/written.py``)."""
    other = observations.alias("other")
    shared: Select[Any] | CompoundSelect[Any]
    if ids is None:
        held = observations.alias("held")
        shared = (select(held.c.observable_id).group_by(held.c.observable_id)
                  .having(func.count() > 1))
    elif written is not None:
        w = written.c
        # A selector this transaction added to the pool (``fresh``) is held by no other
        # transaction's contribution: it is shared only if two of the submission's own parts
        # hold it, which the scratch table tells without looking through the pool.
        shared = union_all(
            select(w.observable_id).where(~w.fresh, exists(select(1).select_from(other).where(
                other.c.observable_id == w.observable_id,
                other.c.contribution_id != w.contribution_id))),
            select(w.observable_id).where(w.fresh).group_by(w.observable_id)
            .having(func.count() > 1))
    else:
        mine = observations.alias("mine")
        shared = select(mine.c.observable_id).where(
            mine.c.contribution_id.in_(list(ids)),
            exists(select(1).select_from(other).where(
                other.c.observable_id == mine.c.observable_id,
                other.c.contribution_id != mine.c.contribution_id)))
    copied = shared_observations
    query = (select(observations.c.observable_id, observations.c.contribution_id,
                    observation_day(conn), observables.c.type)
             .select_from(_facts())
             .where(observations.c.observable_id.in_(shared),
                    ~exists(select(1).select_from(copied).where(
                        copied.c.observable_id == observations.c.observable_id,
                        copied.c.contribution_id == observations.c.contribution_id))))
    conn.execute(insert(shared_observations).from_select(
        ["observable_id", "contribution_id", "day", "type"], query))


def _find(conn: Connection, text: ColumnElement[Any], sep: str) -> ColumnElement[Any]:
    if conn.dialect.name == "postgresql":
        return func.strpos(text, sep)
    return func.instr(text, sep)


def _before(conn: Connection, text: ColumnElement[Any], sep: str) -> ColumnElement[Any]:
    """The part of ``text`` before the first ``sep`` (all of it when there is none)."""
    return func.substr(text, 1, _find(conn, text + literal(sep), sep) - 1)


def _after(conn: Connection, text: ColumnElement[Any], sep: str) -> ColumnElement[Any]:
    return func.substr(text, _find(conn, text + literal(sep), sep) + 1)


def subject_of(conn: Connection, category: str,
               rows: tuple[Any, Any] = (observations, observables)
               ) -> tuple[ColumnElement[Any], ColumnElement[bool]]:
    """A selector trend category's subject of an observation, and which observations have
    one (on ``observations`` joined with ``observables``, or ``rows``: what holds the
    observation's role, and what holds its selector's type, value and reversed name)."""
    observation, selector = rows
    role = func.lower(func.coalesce(observation.c.role, ""))
    # Most observations have no role: that test, the cheapest, goes first and spares them
    # the lowering, the patterns and the subject's string work.
    has_role = observation.c.role.is_not(None)
    c2_or_phish = and_(has_role, or_(role.like("%c2%"), role.like("%command%"),
                                     role.like("%phish%")))
    if category == "network":
        return (selector.c.type + literal(" ") + selector.c.value,
                selector.c.type.in_(("asn", "cidr")))
    if category == "tld":
        return (_before(conn, selector.c.rev_name, "."),
                and_(selector.c.rev_name.is_not(None), c2_or_phish))
    if category == "phishing-brand":
        label = _before(conn, _after(conn, selector.c.rev_name, "."), ".")
        # A brand imitated as the first word of a hyphenated label: mybank-login-x.com
        return (_before(conn, label, "-"),
                and_(selector.c.rev_name.is_not(None), has_role, role.like("%phish%"),
                     label.like("%-%"),
                     selector.c.type.in_(("domain", "hostname", "url"))))
    if category == "cash-out":
        # wallet types and the countries of mule accounts' IBANs
        return (case((selector.c.type == "iban",
                      literal("IBAN ") + func.substr(selector.c.value, 1, 2)),
                     else_=selector.c.type),
                selector.c.type.in_((*_WALLETS, "iban")))
    raise ValueError(f"no selector trend category {category!r}")
