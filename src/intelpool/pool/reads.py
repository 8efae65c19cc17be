"""Read paths over contributions and observations; each applies the visibility predicate."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    FromClause,
    Integer,
    RowMapping,
    ScalarSelect,
    Select,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from intelpool.access import Permission, Principal, require
from intelpool.access.visibility import visible_contribution, visible_to_organisation
from intelpool.audit import service as audit
from intelpool.db.tables import (
    contribution_audience_groups,
    contribution_audience_orgs,
    contribution_themes,
    contributions,
    entities,
    observables,
    observations,
    organisations,
    relationships,
    sharing_groups,
)
from intelpool.db.types import json_list
from intelpool.errors import InvalidInput, NotFound
from intelpool.observables import InvalidObservable, parse_selector, search_candidates
from intelpool.pool.views import (
    ANONYMOUS_ORIGINATOR,
    ContributionDetail,
    ContributionView,
    EvaluationView,
    HandlingView,
    ObservationView,
)

_CONTRIBUTION_COLUMNS = (
    contributions,
    organisations.c.name.label("originator_name"),
)


_CHUNK = 5000  # ids per IN list, well under SQLite's bound parameters


def _visible_contributions(principal: Principal) -> Select[Any]:
    return (
        select(*_CONTRIBUTION_COLUMNS)
        .join(organisations, organisations.c.id == contributions.c.originator_id)
        .where(visible_contribution(principal))
    )


_VIEWER = "viewer_organisation_id"


# What a search shows of each contribution: its handling, evaluation and originator.
_SHOWN = (
    contributions.c.id, contributions.c.received_at, contributions.c.originator_id,
    contributions.c.anonymous, contributions.c.audience_pool, contributions.c.tlp,
    contributions.c.pap, contributions.c.handling_codes, contributions.c.h3_text,
    contributions.c.eval_scheme, contributions.c.reliability, contributions.c.credibility,
    organisations.c.name.label("originator_name"),
)


def _packed(name: ColumnElement[str], source: FromClause,
            contribution_id: ColumnElement[int]) -> ScalarSelect[str]:
    """The names ``source`` holds for the contribution, as one string of "<length>:<name>"
    items (a name may hold any character but NUL, so no separator would do)."""
    item = cast(func.length(name), String) + ":" + name
    return (select(func.aggregate_strings(item, "")).select_from(source)
            .where(contribution_id == observations.c.contribution_id)
            .correlate(observations).scalar_subquery())


def _unpacked(packed: str | None) -> list[str]:
    out: list[str] = []
    at = 0
    while packed and at < len(packed):
        colon = packed.index(":", at)
        end = colon + 1 + int(packed[at:colon])
        out.append(packed[colon + 1:end])
        at = end
    return out


@cache
def _search_statement(candidates: int) -> Select[Any]:
    """The search for ``candidates`` (type, value) pairs, built once per count and run with
    bound values: building and keying a statement of this size cost more CPU than running
    it (SQLAlchemy then finds the compiled SQL in its cache at once). Each row brings its
    contribution's themes and audience names too: one round trip fewer than asking for them
    after."""
    viewer = bindparam(_VIEWER, type_=Integer)
    visible = (
        select(*_SHOWN)
        .join(organisations, organisations.c.id == contributions.c.originator_id)
        .where(visible_to_organisation(viewer))
    ).subquery()
    audience_orgs = contribution_audience_orgs.join(
        organisations, organisations.c.id == contribution_audience_orgs.c.organisation_id)
    audience_groups = contribution_audience_groups.join(
        sharing_groups, sharing_groups.c.id == contribution_audience_groups.c.group_id)
    return (
        select(observations.c.contribution_id, observations.c.first_seen,
               observations.c.last_seen, observations.c.role, observations.c.tags,
               observables.c.warning, observables.c.type.label("observable_type"),
               observables.c.value.label("observable_value"), visible,
               _packed(contribution_themes.c.theme, contribution_themes,
                       contribution_themes.c.contribution_id).label("themes"),
               _packed(organisations.c.name, audience_orgs,
                       contribution_audience_orgs.c.contribution_id).label("audience_orgs"),
               _packed(sharing_groups.c.name, audience_groups,
                       contribution_audience_groups.c.contribution_id
                       ).label("audience_groups"))
        .join(observables, observables.c.id == observations.c.observable_id)
        .join(visible, visible.c.id == observations.c.contribution_id)
        .where(or_(*(and_(observables.c.type == bindparam(f"type_{i}"),
                          observables.c.value == bindparam(f"value_{i}"))
                     for i in range(candidates))))
        .order_by(visible.c.received_at.desc(), visible.c.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )


def search(
    conn: Connection, principal: Principal, value: str, type_hint: str | None = None,
    *, limit: int = 1000,
) -> list[ObservationView]:
    """Every observation of ``value`` the principal may see, newest contribution first.

    Without a type, ``value`` is looked for as the type detection gives it and as each type
    whose values detection cannot tell apart (a file name, a JA3 ...): whatever the pool
    prints as a selector is found as printed."""
    require(principal, Permission.POOL_READ)
    try:
        wanted = ([parse_selector(value, type_hint)] if type_hint is not None
                  else search_candidates(value))
    except InvalidObservable as exc:
        shown = exc.shown_value if exc.shown_value is not None else value
        raise InvalidInput(f"cannot search for {shown!r}: {exc}") from None
    kind, canonical = wanted[0]
    views: list[ObservationView] = []
    if principal.organisation_id is not None:  # no organisation, no content
        params: dict[str, Any] = {_VIEWER: principal.organisation_id, "limit": limit}
        for i, (t, v) in enumerate(wanted):
            params[f"type_{i}"], params[f"value_{i}"] = t, v
        for r in conn.execute(_search_statement(len(wanted)), params).mappings():
            cid = r["contribution_id"]
            # Sorted as contribution_context gives them (the handling sorts the audience).
            context = {"themes": {cid: sorted(_unpacked(r["themes"]))},
                       "audience": {cid: [f"org:{n}" for n in _unpacked(r["audience_orgs"])]
                                    + [f"group:{n}" for n in
                                       _unpacked(r["audience_groups"])]}}
            views.append(_observation(r, r["observable_type"], r["observable_value"],
                                      principal, context))
    audit.record(conn, principal, "pool.search", subject_type="observable",
                 subject_id=f"{kind}:{canonical}"[:64],
                 detail={"value": canonical, "type": kind, "results": len(views),
                         "contributions": sorted({v.contribution_id for v in views})}, read=True)
    return views


def list_contributions(
    conn: Connection, principal: Principal, *, limit: int = 100, offset: int = 0,
    before: int | None = None,
) -> list[ContributionView]:
    """Visible contributions, newest first (ids below ``before``, when given)."""
    require(principal, Permission.POOL_READ)
    query = _visible_contributions(principal)
    if before is not None:
        query = query.where(contributions.c.id < before)
    rows = conn.execute(
        query.order_by(contributions.c.id.desc()).limit(limit).offset(offset)
    ).mappings().all()
    context = contribution_context(conn, [r["id"] for r in rows])
    return [_contribution(r, principal, context) for r in rows]


def show_contribution(
    conn: Connection, principal: Principal, contribution_id: int, *, limit: int = 100
) -> ContributionDetail:
    require(principal, Permission.POOL_READ)
    row = conn.execute(
        _visible_contributions(principal).where(contributions.c.id == contribution_id)
    ).mappings().first()
    if row is None:
        # The same answer whether it does not exist or is hidden: existence is content too.
        raise NotFound(f"no contribution {contribution_id}")
    context = contribution_context(conn, [contribution_id])
    view = _contribution(row, principal, context)
    obs_rows = conn.execute(
        select(observations, observables.c.type, observables.c.value, observables.c.warning)
        .join(observables, observables.c.id == observations.c.observable_id)
        .where(observations.c.contribution_id == contribution_id)
        .order_by(observations.c.id).limit(limit)
    ).mappings().all()
    merged = [{**dict(r), **{k: row[k] for k in row if k not in r}} for r in obs_rows]
    obs = [_observation(r, r["type"], r["value"], principal, context) for r in merged]
    counts = {
        name: conn.execute(
            select(func.count()).select_from(table).where(table.c.contribution_id ==
                                                          contribution_id)
        ).scalar_one()
        for name, table in (("obs", observations), ("ent", entities), ("rel", relationships))
    }
    audit.record(conn, principal, "contribution.show", subject_type="contribution",
                 subject_id=contribution_id, detail={"observations_shown": len(obs)}, read=True)
    return ContributionDetail(view, obs, counts["obs"], counts["ent"], counts["rel"])


_IDS: BindParameter[int] = bindparam("ids", expanding=True)
# Built once, as one statement: a read path that runs on every search should neither rebuild
# its statements nor take three round trips for what one answers.
_CONTEXT = union_all(
    select(literal_column("'theme'").label("kind"), contribution_themes.c.contribution_id,
           contribution_themes.c.theme.label("name"))
    .where(contribution_themes.c.contribution_id.in_(_IDS)),
    select(literal_column("'org'"), contribution_audience_orgs.c.contribution_id,
           organisations.c.name)
    .join(organisations, organisations.c.id == contribution_audience_orgs.c.organisation_id)
    .where(contribution_audience_orgs.c.contribution_id.in_(_IDS)),
    select(literal_column("'group'"), contribution_audience_groups.c.contribution_id,
           sharing_groups.c.name)
    .join(sharing_groups, sharing_groups.c.id == contribution_audience_groups.c.group_id)
    .where(contribution_audience_groups.c.contribution_id.in_(_IDS)),
).order_by(literal_column("name"))


def contribution_context(conn: Connection, ids: list[int]) -> dict[str, dict[int, list[str]]]:
    """Themes (in order) and audience names of the given contributions, in one query per
    5,000 of them."""
    unique = sorted(set(ids))
    out: dict[str, dict[int, list[str]]] = {"themes": defaultdict(list),
                                            "audience": defaultdict(list)}
    # In slices: the statement binds each id three times, and stores cap bound values
    # (SQLite at 32,766), while reports and trends ask for every contribution of a period.
    for start in range(0, len(unique), _CHUNK):
        ids = unique[start:start + _CHUNK]
        for kind, cid, name in conn.execute(_CONTEXT, {"ids": ids}):
            if kind == "theme":
                out["themes"][cid].append(name)
            else:
                out["audience"][cid].append(f"{kind}:{name}")
    return out


def originator_label(row: RowMapping | dict[str, Any], principal: Principal) -> str:
    if row["anonymous"] and row["originator_id"] != principal.organisation_id:
        return ANONYMOUS_ORIGINATOR
    return str(row["originator_name"])


def _handling(row: RowMapping | dict[str, Any], audience: list[str]) -> HandlingView:
    names = (["pool"] if row["audience_pool"] else []) + sorted(audience)
    return HandlingView(
        tlp=row["tlp"], pap=row["pap"], audience=names or ["originator only"],
        codes=[c for c in row["handling_codes"].split(",") if c],
        h3_text=row["h3_text"], anonymous=bool(row["anonymous"]),
    )


def _evaluation(row: RowMapping | dict[str, Any]) -> EvaluationView | None:
    if not row["eval_scheme"]:
        return None
    return EvaluationView(row["eval_scheme"], row["reliability"], row["credibility"])


def _contribution(
    row: RowMapping, principal: Principal, context: dict[str, dict[int, list[str]]]
) -> ContributionView:
    cid = row["id"]
    return ContributionView(
        id=cid, parent_id=row["parent_id"], originator=originator_label(row, principal),
        received_at=row["received_at"], title=row["title"], source_name=row["source_name"],
        format=row["format"], handling=_handling(row, context["audience"][cid]),
        evaluation=_evaluation(row), themes=context["themes"][cid],
        tags=list(json_list(row["tags"])), accepted=row["accepted"],
        duplicates=row["duplicates"], rejected=row["rejected"],
    )


def _observation(
    row: RowMapping | dict[str, Any], kind: str, value: str, principal: Principal,
    context: dict[str, dict[int, list[str]]],
) -> ObservationView:
    cid = row["contribution_id"]
    return ObservationView(
        type=kind, value=value, contribution_id=cid,
        originator=originator_label(row, principal), first_seen=row["first_seen"],
        last_seen=row["last_seen"], role=row["role"],
        tags=list(json_list(row["tags"])),
        handling=_handling(row, context["audience"][cid]), evaluation=_evaluation(row),
        themes=context["themes"][cid], warning=row["warning"],
    )


def handling_of(conn: Connection, principal: Principal,
                ids: list[int]) -> dict[int, HandlingView]:
    """The handling of those of ``ids`` the principal may see; the others are left out, so
    a list's handling columns never tell about data the viewer may not see."""
    require(principal, Permission.POOL_READ)
    unique = sorted(set(ids))
    rows = [r for start in range(0, len(unique), _CHUNK) for r in conn.execute(
        _visible_contributions(principal)
        .where(contributions.c.id.in_(unique[start:start + _CHUNK]))).mappings()]
    audience = contribution_context(conn, [r["id"] for r in rows])["audience"]
    return {r["id"]: _handling(r, audience[r["id"]]) for r in rows}
