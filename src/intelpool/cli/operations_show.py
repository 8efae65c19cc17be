"""Printing one operation for a person: the plan country by country."""

from __future__ import annotations

from rich.table import Table

from intelpool.cli.common import console
from intelpool.operations.models import OperationDetail


def print_detail(d: OperationDetail) -> None:
    s = d.summary
    console.print(f"operation {s.id} '{s.name}' led by {s.lead} (contact {d.contact}): "
                  f"{s.status}" + (", confidential" if s.confidential else "")
                  + (f"; themes {', '.join(s.themes)}" if s.themes else "")
                  + (f"; press embargo until {d.embargo_until:%Y-%m-%d %H:%M} UTC"
                     if d.embargo_until else ""), highlight=False, markup=False)
    if d.description:
        console.print(d.description, highlight=False, markup=False)
    console.print("members: " + "; ".join(f"{m.organisation} ({m.role}, {m.state})"
                                          for m in d.members), highlight=False, markup=False)
    console.print("targets: " + (", ".join(t.target for t in d.targets) or "none"),
                  highlight=False, markup=False)
    console.print("contributions: " + (", ".join(map(str, d.contributions)) or "none"),
                  highlight=False)
    for country, days in d.plan.items():
        table = Table("action day", "when (UTC)", "action", "targets", "decision", "note",
                      title=f"plan for {country}")
        for a in days:
            table.add_row(str(a.id), f"{a.at:%Y-%m-%d %H:%M}", a.action, "\n".join(a.targets),
                          a.decision or "pending", a.note or "")
        console.print(table)
    for t in d.tasks:
        state = "done" if t.done_at else "overdue" if t.overdue else "open"
        due = f" due {t.due_at:%Y-%m-%d}" if t.due_at else ""
        console.print(f"task {t.id} [{state}] for {t.assignee}{due}: {t.text}",
                      highlight=False, markup=False)
    for n in d.notes:
        console.print(f"{n.kind} {n.at:%Y-%m-%d %H:%M} {n.author} ({n.organisation}): {n.text}",
                      highlight=False, markup=False)
