"""The visibility rule, compiled to one SQL predicate that every read path applies.

Organisation O sees a contribution's content when:
1. O is its originator; or
2. its audience is the pool; or
3. O is named in its audience, or is a member of a sharing group in its audience; or
4. it belongs to an operation O has joined (as lead, participant or observer); a removed
   member loses access at once, a closed operation stays readable to its members; or
5. its originator granted O access (an access request after a hit, or an answer to a request
   for information asked through the host; the grant records the consent that releases H2
   data).
There is no bypass: a principal without an organisation sees nothing.
"""

from __future__ import annotations

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    FromClause,
    Select,
    exists,
    false,
    or_,
    select,
    true,
)

from intelpool.access.principal import Principal
from intelpool.db.tables import (
    contribution_audience_groups,
    contribution_audience_orgs,
    contribution_grants,
    contributions,
    operation_contributions,
    operation_members,
    sharing_group_members,
)


def visible_contribution(
    principal: Principal, contribution: FromClause = contributions
) -> ColumnElement[bool]:
    """True for rows of ``contribution`` (the contributions table or an alias) O may see."""
    org = principal.organisation_id
    if org is None:
        return false()
    return visible_to_organisation(org, contribution)


def visible_to_organisation(
    org: int | BindParameter[int], contribution: FromClause = contributions
) -> ColumnElement[bool]:
    """The rule for organisation ``org``: an id, or a bound parameter, so that a hot read
    path builds its statement once and runs it with each viewer's id (the caller answers
    nothing to a principal without an organisation, as ``visible_contribution`` does)."""
    cid = contribution.c.id
    named = exists(
        select(1)
        .select_from(contribution_audience_orgs)
        .where(
            contribution_audience_orgs.c.contribution_id == cid,
            contribution_audience_orgs.c.organisation_id == org,
        )
    )
    in_group = exists(
        select(1)
        .select_from(
            contribution_audience_groups.join(
                sharing_group_members,
                sharing_group_members.c.group_id == contribution_audience_groups.c.group_id,
            )
        )
        .where(
            contribution_audience_groups.c.contribution_id == cid,
            sharing_group_members.c.organisation_id == org,
        )
    )
    granted = exists(
        select(1)
        .select_from(contribution_grants)
        .where(
            contribution_grants.c.contribution_id == cid,
            contribution_grants.c.organisation_id == org,
        )
    )
    in_operation = exists(
        select(1)
        .select_from(
            operation_contributions.join(
                operation_members,
                operation_members.c.operation_id == operation_contributions.c.operation_id,
            )
        )
        .where(
            operation_contributions.c.contribution_id == cid,
            operation_members.c.organisation_id == org,
            operation_members.c.state == "joined",
        )
    )
    return or_(
        contribution.c.originator_id == org,
        contribution.c.audience_pool == true(),
        named,
        in_group,
        in_operation,
        granted,
    )


def visible_contribution_ids(principal: Principal) -> Select[tuple[int]]:
    """The ids of the contributions O may see, as a subquery for ``IN``: large reads filter
    their rows by it once instead of testing the predicate row by row."""
    seen = contributions.alias("visible_contributions")
    return select(seen.c.id).where(visible_contribution(principal, seen))
