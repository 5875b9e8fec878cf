"""Joint handling (吹哨报到): a lead unit and co-units, each co-unit with its own task."""

import enum
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from linli.accounts.models import Role, User
from linli.accounts.permissions import require_role
from linli.cases.events import record_event
from linli.cases.listing import CaseOrder, keyset_page, searched
from linli.cases.models import OPEN_STATES, Case, EventKind
from linli.db import get_by_int_id
from linli.errors import abort
from linli.extensions import db
from linli.notifications.models import NotificationKind
from linli.notifications.service import dispatchers_of, notify, staff_of_provider
from linli.routing.models import CoTask, CoTaskState, Provider


class TaskAction(enum.StrEnum):
    ACCEPT = "accept"
    COMPLETE = "complete"
    RETURN = "return"


# task action → (states it may start from, state it leads to, input it needs)
TASK_TRANSITIONS = {
    TaskAction.ACCEPT: ((CoTaskState.OPEN,), CoTaskState.ACCEPTED, None),
    TaskAction.COMPLETE: ((CoTaskState.OPEN, CoTaskState.ACCEPTED), CoTaskState.DONE, None),
    TaskAction.RETURN: ((CoTaskState.OPEN, CoTaskState.ACCEPTED), CoTaskState.RETURNED, "reason"),
}


def task_actions_from(state: CoTaskState) -> list[TaskAction]:
    return [action for action, (sources, _, _) in TASK_TRANSITIONS.items() if state in sources]


def allowed_task_actions(task: CoTask, actor: User) -> list[TaskAction]:
    """What `actor` may do to `task` now: only its unit's staff, and only while the case is open."""
    if actor.role is not Role.PROVIDER_STAFF or actor.provider_id != task.provider_id:
        return []
    if task.case.state not in OPEN_STATES:
        return []
    return task_actions_from(task.state)


def add_co_tasks(
    case: Case, co_providers: list[tuple[Provider, datetime, str]], *, actor: User, now: datetime
) -> list[CoTask]:
    """Open one task per co-unit (in the caller's transaction) and tell each unit's staff."""
    if any(provider.id == case.provider_id for provider, _, _ in co_providers):
        abort(
            422,
            "the lead unit cannot also be a co-unit",
            errors={"co_providers": ["contains the lead provider"]},
        )
    if len({provider.id for provider, _, _ in co_providers}) != len(co_providers):
        abort(422, "a co-unit is named twice", errors={"co_providers": ["duplicate provider"]})
    tasks = []
    for provider, due_at, note in co_providers:
        if not provider.active:
            abort(422, "a co-unit is not active", errors={"co_providers": ["inactive provider"]})
        if due_at <= now:
            abort(
                422,
                "a co-task deadline is in the past",
                errors={"co_providers": ["due_at in the past"]},
            )
        task = CoTask(
            case_id=case.id,
            provider_id=provider.id,
            state=CoTaskState.OPEN,
            due_at=due_at,
            note=note.strip(),
            created_by_id=actor.id,
            created_at=now,
            updated_at=now,
        )
        db.session.add(task)
        tasks.append(task)
        notify(
            staff_of_provider(provider.id),
            NotificationKind.CO_TASK,
            case=case,
            now=now,
            due_at=due_at.isoformat(),
        )
    return tasks


def tasks_of_provider(
    actor: User,
    *,
    states: list[CoTaskState] | None,
    q: str | None = None,
    order: CaseOrder = CaseOrder.DUE,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[CoTask], str | None]:
    """The co-tasks of the actor's unit, searched by their cases, in `order` (the task's
    deadline soonest by default), keyset-paginated. Returns (tasks, next_cursor)."""
    require_role(actor, Role.PROVIDER_STAFF)
    query = (
        select(CoTask)
        .join(CoTask.case)
        .where(CoTask.provider_id == actor.provider_id)
        .options(joinedload(CoTask.case))
    )
    if states:
        query = query.where(CoTask.state.in_(states))
    query = searched(query, actor, q)
    keys = {
        CaseOrder.NEWEST: CoTask.created_at,
        CaseOrder.OLDEST: CoTask.created_at,
        CaseOrder.DUE: CoTask.due_at,
    }
    return keyset_page(query, order, limit=limit, cursor=cursor, keys=keys, id_column=CoTask.id)


def act_on_task(actor: User, task_id: int, action: str, *, note: str, now: datetime) -> CoTask:
    """A co-unit accepts, completes or returns its task; the case's timeline records it."""
    require_role(actor, Role.PROVIDER_STAFF)
    task = get_by_int_id(CoTask, task_id)
    if task is None or task.provider_id != actor.provider_id:
        abort(404, f"task {task_id} not found")
    if action not in TASK_TRANSITIONS:
        abort(404, f"unknown task action {action!r}", allowed=[a.value for a in TaskAction])
    sources, target, requires = TASK_TRANSITIONS[action]
    if task.state not in sources:
        abort(
            422,
            f"cannot {action} a task that is {task.state}",
            state=task.state.value,
            allowed_actions=[a.value for a in task_actions_from(task.state)],
        )
    if requires and not note.strip():
        abort(422, f"{action} needs a {requires}", errors={requires: [f"required for {action}"]})
    case = db.session.get(Case, task.case_id)
    if case.state not in OPEN_STATES:
        abort(422, f"the case is {case.state}; its co-tasks are over", state=case.state.value)
    from_state = task.state
    task.state = target
    task.updated_at = now
    record_event(
        case,
        EventKind(f"co_task_{action}"),
        actor=actor,
        now=now,
        public=False,
        note=note,
        data={
            "task_id": task.id,
            "provider_id": task.provider_id,
            "from": from_state.value,
            "to": target.value,
        },
    )
    if target is CoTaskState.RETURNED:
        notify(
            dispatchers_of(case),
            NotificationKind.RETURNED,
            case=case,
            now=now,
            reason=note.strip(),
            task_id=task.id,
        )
    db.session.commit()
    return task
