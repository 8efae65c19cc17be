"""Per theme: the proposed networks the viewer may see and the top targets of each."""

from __future__ import annotations

from datetime import date
from typing import Any

from intelpool.access import Permission
from intelpool.analysis.dimensions import NONE_LABEL
from intelpool.analysis.periods import Period
from intelpool.analysis.report.model import Fact, ReportContext, Section

TITLE = "Proposed networks and top targets"
MAX_NETWORKS = 5
TOP_TARGETS = 5


def network_section(context: ReportContext, theme: str) -> Section | None:
    if theme == NONE_LABEL:
        return None
    principal = context.principal
    if Permission.ANALYSIS_RUN not in principal.permissions:
        return Section(TITLE, (
            "Not shown: proposed networks and targets need the permission analysis:run, "
            f"which {principal.describe()} does not hold.",))
    from intelpool.analysis import service as analysis

    found = [n for n in analysis.networks(context.conn, principal, theme=theme)["networks"]
             if _active_in(n, context.period) and _home(n, context.shown) == theme]
    if not found:
        return None
    shown = found[:MAX_NETWORKS]
    # Only the shown networks' targets: each is one row of the viewer's cached analysis.
    by_network = {n["id"]: analysis.targets(context.conn, principal, network_id=n["id"],
                                            top=TOP_TARGETS)["targets"] for n in shown}
    intro = (f"{len(found)} proposed network(s) mainly of this theme were active in the period in "
             "the data you may see" + (f"; the {len(shown)} largest are shown" if
                                       len(found) > len(shown) else "") +
             ". Proposals of the analysis, not established facts: each says why it holds "
             "together and which of its selectors or entities would matter most.")
    rows = tuple((n["id"], str(n["size"]), ", ".join(n["partners"]), " ".join(n["why"]))
                 for n in shown)
    after = tuple(_targets_text(n["id"], by_network.get(n["id"], [])) for n in shown)
    drawn = tuple(sorted({c for n in shown for c in n["contributions"]}))
    facts = tuple(Fact("network", n["id"], int(n["size"]),
                       f"{len(n['partners'])} partner(s)") for n in shown)
    return Section(TITLE, (intro,), ("network", "selectors", "partners", "why"), rows, after,
                   drawn, facts)


def _home(network: dict[str, Any], shown: tuple[str, ...]) -> str | None:
    """The theme a network is shown under: the one most of its contributions carry, of the
    themes the report shows (once, not under every theme it touches)."""
    return next((t for t in network["themes"] if not shown or t in shown), None)


def _active_in(network: dict[str, Any], period: Period) -> bool:
    """Seen within the period (a network without dates counts as active)."""
    first, last = network.get("first_seen"), network.get("last_seen")
    if last and date.fromisoformat(last) < period.start.date():
        return False
    return not (first and date.fromisoformat(first) >= period.end.date())


def _targets_text(network_id: str, targets: list[dict[str, Any]]) -> str:
    if not targets:
        return f"{network_id}: no target ranked."
    parts = [f"{t['rank']}. {_target_name(t)} ({'; '.join(t['why'])})"
             for t in sorted(targets, key=lambda t: t["rank"])]
    return f"{network_id}, top targets: " + " ".join(parts)


def _target_name(target: dict[str, Any]) -> str:
    if target.get("kind") == "entity":
        return f"{target['entity_kind']} {target['name']}"
    role = f", {target['role']}" if target.get("role") else ""
    return f"{target['type']} {target['value']}{role}"
