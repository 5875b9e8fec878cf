"""A sheet's plan: row by row, what an import would create, change, leave alone or refuse and
why. One planner per kind computes it; the import executes exactly that plan."""

import enum
from dataclasses import dataclass, field

from sqlalchemy import or_

from linli.accounts.models import User
from linli.accounts.permissions import org_in_scope
from linli.orgs.models import Org
from linli.sheets.layouts import LAYOUTS, LIST_SEPARATORS, Layout, SheetKind
from linli.sheets.readers import SheetRow, cell_problem


class RowAction(enum.StrEnum):
    CREATE = "create"
    CHANGE = "change"
    UNCHANGED = "unchanged"
    REFUSE = "refuse"


@dataclass
class RowProblem:
    code: str  # stable; the PWA words it (sheets.problem.<code>)
    column: str | None = None  # the column's key, None for the row as a whole
    params: dict = field(default_factory=dict)


@dataclass
class PlannedRow:
    number: int
    cells: dict[str, str]
    key: str = ""  # what identifies the row to the office: a code, a username, a name
    existing: object | None = None  # the row in the database this sheet row matches
    changes: dict[str, list] = field(default_factory=dict)  # column key → [before, after]
    problems: list[RowProblem] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # what the import writes, resolved

    def refuse(self, code: str, column: str | None = None, **params) -> None:
        self.problems.append(RowProblem(code, column, params))

    def compare(self, column: str, before, after) -> None:
        if self.existing is not None and before != after:
            self.changes[column] = [before, after]

    @property
    def change_list(self) -> list[dict]:
        return [{"column": c, "before": b, "after": a} for c, (b, a) in self.changes.items()]

    @property
    def action(self) -> RowAction:
        if self.problems:
            return RowAction.REFUSE
        if self.existing is None:
            return RowAction.CREATE
        return RowAction.CHANGE if self.changes else RowAction.UNCHANGED


@dataclass
class SheetPlan:
    kind: SheetKind
    rows: list[PlannedRow]
    # What the planner read that its import needs again (e.g. rows already stored).
    context: dict = field(default_factory=dict)

    @property
    def columns(self):
        return LAYOUTS[self.kind].columns

    @property
    def shown_rows(self) -> list[PlannedRow]:
        """What the office reads: every row but those left as they are (those are counted)."""
        return [row for row in self.rows if row.action is not RowAction.UNCHANGED]

    @property
    def refused_rows(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.problems]

    def rows_to(self, action: RowAction) -> list[PlannedRow]:
        return [row for row in self.rows if row.action is action]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowAction, 0)
        for row in self.rows:
            counts[row.action] += 1
        return {action.value: n for action, n in counts.items()}


def start_rows(rows: list[SheetRow], layout: Layout, key_of) -> list[PlannedRow]:
    """A planned row per sheet row, with what is wrong with its cells on their own and with
    rows repeating an earlier row's key (`key_of(cells)`)."""
    planned, first_row_of = [], {}
    for row in rows:
        entry = PlannedRow(row.number, row.cells)
        for column in layout.columns:
            code = cell_problem(column, row.cells.get(column.key, ""))
            if code == "too_long":
                entry.refuse(code, column.key, max=column.max_length)
            elif code:
                entry.refuse(code, column.key)
        key = key_of(row.cells)
        entry.key = " / ".join(key) if isinstance(key, tuple) else key
        if key in first_row_of:
            entry.refuse("duplicate_row", None, row=first_row_of[key])
        else:
            first_row_of[key] = row.number
        planned.append(entry)
    return planned


def split_list(cell: str) -> list[str]:
    parts = [cell]
    for separator in LIST_SEPARATORS:
        parts = [piece for part in parts for piece in part.split(separator)]
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def scope_condition(actor: User, orgs: list[Org]):
    """A condition on Org.path for the orgs in the actor's scope (from `orgs`, the whole tree,
    judged by org_in_scope): the tops of the scope's subtrees, each one prefix match."""
    in_scope = {o.id for o in orgs if org_in_scope(actor, o)}
    tops = [o for o in orgs if o.id in in_scope and o.parent_id not in in_scope]
    if not tops:
        return Org.id.is_(None)
    return or_(*(Org.path.startswith(top.path, autoescape=True) for top in tops))
