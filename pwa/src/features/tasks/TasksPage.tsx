// Joint-handling tasks of a provider (loaded lazily; provider staff only).
import { useMemo, useState } from 'preact/hooks';
import { api } from '../../api';
import type { CoTask, CoTaskState, TaskAction, TaskListArgs } from '../../api/types';
import { fmtRelative, fmtTime, t } from '../../i18n';
import { reads } from '../../offline/cache';
import { taskAction, taskIdOf } from '../../offline/outbox';
import { LoadMore, Page, ResourceNote } from '../../ui/bits';
import { TextAreaField } from '../../ui/form';
import { type CaseOrder, SearchSort, searchArgs } from '../../ui/SearchSort';
import { useDebounced } from '../../ui/useDebounced';
import { useOutbox } from '../../ui/useOutbox';
import { usePagedList } from '../../ui/usePagedList';
import { useResource } from '../../ui/useResource';

/** What a co-unit may do from each state (routing/tasks.py TASK_TRANSITIONS). */
const NEXT: Record<CoTaskState, TaskAction[]> = {
  open: ['accept', 'complete', 'return'],
  accepted: ['complete', 'return'],
  done: [],
  returned: [],
};

function CaseTitle({ id }: { id: string }) {
  const res = useResource(useMemo(() => reads.caseOnly(id), [id]));
  const c = res.data;
  return (
    <a class="task-case" href={`/cases/${encodeURIComponent(id)}`} data-testid="task-case">
      {c ? `${c.reference} · ${c.title}` : t('tasks.caseLoading', { ref: id.slice(0, 8) })}
    </a>
  );
}

function TaskItem({ task, pending }: { task: CoTask; pending: boolean }) {
  const [action, setAction] = useState<TaskAction | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const open = task.state === 'open' || task.state === 'accepted';
  const rel = open ? fmtRelative(task.due_at) : null;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!action) return;
    if (action === 'return' && !text.trim()) return setError(t('actions.reasonRequired'));
    const body = text.trim() ? (action === 'return' ? { reason: text.trim() } : { note: text.trim() }) : {};
    await taskAction(task, action, body);
    setAction(null);
    setText('');
    setError('');
  };

  return (
    <li class="card-pad" data-testid="task-item" data-task-id={task.id} data-state={task.state}>
      <CaseTitle id={task.case_id} />
      <span class="row-between">
        <span class={rel?.overdue ? 'error' : 'muted'}>
          {`${t('task.due')} ${fmtTime(task.due_at)}${rel ? ` · ${rel.text}` : ''}`}
        </span>
        <span class={`state task-${pending ? 'pending' : task.state}`} data-testid="task-state">
          {pending ? t('task.pending') : t(`task.state.${task.state}`)}
        </span>
      </span>
      {task.note && <span>{task.note}</span>}
      {!pending && NEXT[task.state].length > 0 && (
        <div class="seg wrap">
          {NEXT[task.state].map((a) => (
            <button
              type="button"
              key={a}
              class={`btn ${a === action ? 'btn-primary' : 'btn-secondary'}`}
              aria-pressed={a === action}
              aria-label={t('tasks.actionLabel', { action: t(`tasks.action.${a}`), title: task.note || task.provider_name })}
              data-testid={`task-action-${a}`}
              onClick={() => {
                setAction(a);
                setError('');
              }}
            >
              {t(`tasks.action.${a}`)}
            </button>
          ))}
        </div>
      )}
      {action && !pending && (
        <form class="form" onSubmit={submit}>
          <TextAreaField
            label={action === 'return' ? t('tasks.reason') : t('tasks.note')}
            data-testid="task-text"
            rows={2}
            required={action === 'return'}
            value={text}
            onValue={setText}
          />
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="btn btn-primary btn-block" data-testid="task-submit">
            {t('tasks.confirm', { action: t(`tasks.action.${action}`) })}
          </button>
        </form>
      )}
    </li>
  );
}

/** The list query: open tasks only or all, searched by their cases, the task's deadline first by default. */
export function tasksArgs(onlyOpen: boolean, q: string, sort: CaseOrder): TaskListArgs {
  return { ...(onlyOpen ? { state: ['open', 'accepted'] as CoTaskState[] } : {}), ...searchArgs(q, sort, 'due') };
}

export default function TasksPage() {
  const [onlyOpen, setOnlyOpen] = useState(true);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<CaseOrder>('due');
  const q = useDebounced(search);
  const args = useMemo(() => tasksArgs(onlyOpen, q, sort), [onlyOpen, q, sort]);
  const res = useResource(useMemo(() => reads.tasks(args), [args]));
  const paging = usePagedList(args, res.data?.next_cursor, api.tasks);
  const outbox = useOutbox();
  const pending = new Set(outbox.filter((i) => i.state !== 'sent').map(taskIdOf));
  const tasks = [...(res.data?.items ?? []), ...paging.extra];
  return (
    <Page title={t('tasks.title')}>
      <SearchSort testid="tasks" search={search} onSearch={setSearch} sort={sort} onSort={setSort} />
      <label class={`chip${onlyOpen ? ' chip-on' : ''}`}>
        <input type="checkbox" data-testid="tasks-only-open" checked={onlyOpen} onChange={(e) => setOnlyOpen(e.currentTarget.checked)} />
        <span>{t('tasks.onlyOpen')}</span>
      </label>
      <ResourceNote res={res} />
      {res.data && tasks.length === 0 && (
        <div class="empty" data-testid="tasks-empty">
          <p>{args.q ? t('queue.noMatch', { q: args.q }) : t('tasks.empty')}</p>
          {args.q && <p class="muted">{t('queue.noMatchHint')}</p>}
        </div>
      )}
      <ul class="list" data-testid="task-list">
        {tasks.map((task) => (
          <TaskItem key={task.id} task={task} pending={pending.has(task.id)} />
        ))}
      </ul>
      <LoadMore paging={paging} />
    </Page>
  );
}
