// Staff queues with filters (loaded lazily: residents never download this).
import { useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../../api';
import {
  CASE_STATES,
  ESCALATION_LEVELS,
  type CaseListArgs,
  type CaseState,
  type EscalationLevel,
  type Role,
} from '../../api/types';
import { t } from '../../i18n';
import { reads } from '../../offline/cache';
import { LoadMore, Page, ResourceNote } from '../../ui/bits';
import { type CaseOrder, SearchSort, searchArgs } from '../../ui/SearchSort';
import { Toggle } from '../../ui/Toggle';
import { usePagedList } from '../../ui/usePagedList';
import { useDebounced } from '../../ui/useDebounced';
import { useResource } from '../../ui/useResource';
import { currentUser } from '../auth/session';
import { lastReturn } from '../cases/CaseDetail';
import { CaseRow, fromCase } from '../cases/CaseRow';

/** What "to do" means for each role: the states that wait for them. */
export function todoStates(role: Role | undefined): CaseState[] {
  switch (role) {
    case 'grid_worker':
    case 'dispatcher':
      return ['submitted', 'returned'];
    case 'provider_staff':
      return ['assigned', 'in_progress'];
    default:
      return ['submitted', 'assigned', 'in_progress', 'returned'];
  }
}

/** Follow-ups: handled cases the resident has not confirmed yet (a grid worker calls or visits). */
export const FOLLOW_UP_STATES: CaseState[] = ['resolved'];

type StateFilter = 'todo' | 'followup' | '' | CaseState;

export function queueArgs(
  role: Role | undefined,
  f: { state: StateFilter; levels: EscalationLevel[]; overdue: boolean; unmet: boolean; q?: string; sort?: CaseOrder },
): CaseListArgs {
  const a: CaseListArgs = searchArgs(f.q ?? '', f.sort ?? 'newest');
  if (f.state === 'todo') a.state = todoStates(role);
  else if (f.state === 'followup') a.state = FOLLOW_UP_STATES;
  else if (f.state) a.state = [f.state];
  // Levels in the document's order, so the cache key does not depend on the tapping order.
  if (f.levels.length) a.escalation_level = ESCALATION_LEVELS.filter((l) => f.levels.includes(l));
  if (f.overdue) a.overdue = true;
  if (f.unmet) a.unmet_need = true;
  return a;
}

/** A returned case's reason, from its timeline (fetched and cached per returned case). */
function ReturnReason({ id }: { id: string }) {
  const res = useResource(useMemo(() => reads.case(id), [id]));
  const ev = lastReturn(res.data?.events);
  if (!ev) return null;
  return (
    <span class="return-reason" data-testid="case-return-reason">
      {t('cases.returnReason', { reason: ev.note })}
    </span>
  );
}

export default function QueuePage() {
  const role = currentUser.value?.role;
  const { query } = useLocation();
  const [state, setState] = useState<StateFilter>(query.view === 'followup' ? 'followup' : 'todo');
  const [levels, setLevels] = useState<EscalationLevel[]>([]);
  const [overdue, setOverdue] = useState(false);
  const [unmet, setUnmet] = useState(false);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<CaseOrder>('newest');
  const q = useDebounced(search);
  const args = useMemo(
    () => queueArgs(role, { state, levels, overdue, unmet, q, sort }),
    [role, state, levels, overdue, unmet, q, sort],
  );
  const res = useResource(useMemo(() => reads.cases(args), [args]));
  const paging = usePagedList(args, res.data?.next_cursor, api.cases);

  const title =
    state === 'followup'
      ? t('queue.followUpTitle')
      : role === 'grid_worker'
        ? t('queue.triageTitle')
        : role === 'provider_staff'
          ? t('queue.assignedTitle')
          : t('queue.title');
  const rows = [...(res.data?.items ?? []), ...paging.extra];
  const staffOfOffice = role !== 'provider_staff';
  const active = levels.length + (overdue ? 1 : 0) + (unmet ? 1 : 0);

  return (
    <Page title={title}>
      <div class="filters">
        <SearchSort testid="queue" search={search} onSearch={setSearch} sort={sort} onSort={setSort} />
        <label class="field">
          <span>{t('queue.filterState')}</span>
          <select data-testid="filter-state" value={state} onChange={(e) => setState(e.currentTarget.value as StateFilter)}>
            <option value="todo">{t('queue.todo')}</option>
            {staffOfOffice && <option value="followup">{t('queue.followUp')}</option>}
            <option value="">{t('common.all')}</option>
            {CASE_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`state.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <details class="more-filters" open={active > 0}>
          <summary data-testid="filter-more">{t('queue.moreFilters', { n: active ? ` (${active})` : '' })}</summary>
          <fieldset class="field">
            <legend>{t('queue.filterLevels')}</legend>
            <div class="chips" data-testid="filter-levels">
              {ESCALATION_LEVELS.map((l) => (
                <Toggle
                  key={l}
                  label={t(`level.${l}`)}
                  testid={`filter-level-${l}`}
                  checked={levels.includes(l)}
                  onChange={(on) => setLevels(on ? [...levels, l] : levels.filter((x) => x !== l))}
                />
              ))}
            </div>
          </fieldset>
          <div class="chips">
            <Toggle label={t('queue.filterOverdue')} testid="filter-overdue" checked={overdue} onChange={setOverdue} />
            {staffOfOffice && <Toggle label={t('queue.filterUnmet')} testid="filter-unmet" checked={unmet} onChange={setUnmet} />}
          </div>
        </details>
      </div>
      <ResourceNote res={res} />
      {res.data && rows.length === 0 && (
        <div class="empty" data-testid="queue-empty">
          <p>{args.q ? t('queue.noMatch', { q: args.q }) : t('queue.empty')}</p>
          {args.q && <p class="muted">{t('queue.noMatchHint')}</p>}
        </div>
      )}
      <ul class="list" data-testid="case-list">
        {rows.map((c) => (
          <CaseRow key={c.id} row={fromCase(c)} showLevel>
            {staffOfOffice && c.state === 'returned' && <ReturnReason id={c.id} />}
          </CaseRow>
        ))}
      </ul>
      <LoadMore paging={paging} />
    </Page>
  );
}
