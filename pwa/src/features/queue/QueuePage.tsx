// Staff queues with filters (loaded lazily: residents never download this).
import { useMemo, useState } from 'preact/hooks';
import { api } from '../../api';
import { CASE_STATES, ESCALATION_LEVELS, type Case, type CaseListArgs, type CaseState, type EscalationLevel } from '../../api/types';
import { t } from '../../i18n';
import { reads } from '../../offline/cache';
import { ErrorText, Page, ResourceNote } from '../../ui/bits';
import { useResource } from '../../ui/useResource';
import { currentUser } from '../auth/session';
import { CaseRow, fromCase } from '../cases/CaseRow';

function defaultState(role: string | undefined): CaseState | '' {
  if (role === 'grid_worker' || role === 'dispatcher') return 'submitted';
  if (role === 'provider_staff') return 'assigned';
  return '';
}

export default function QueuePage() {
  const role = currentUser.value?.role;
  const [state, setState] = useState<CaseState | ''>(defaultState(role));
  const [level, setLevel] = useState<EscalationLevel | ''>('');
  const args: CaseListArgs = useMemo(() => {
    const a: CaseListArgs = {};
    if (state) a.state = state;
    if (level) a.escalation_level = level;
    return a;
  }, [state, level]);
  const res = useResource(useMemo(() => reads.cases(args), [args]));
  const [more, setMore] = useState<{ key: string; items: Case[]; cursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const key = JSON.stringify(args);
  const extra = more?.key === key ? more.items : [];
  const cursor = more?.key === key ? more.cursor : (res.data?.next_cursor ?? null);

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await api.cases({ ...args, cursor });
      setMore({ key, items: [...extra, ...page.items], cursor: page.next_cursor });
      setMoreError(null);
    } catch (e) {
      setMoreError(e);
    }
  };

  const title =
    role === 'grid_worker' ? t('queue.triageTitle') : role === 'provider_staff' ? t('queue.assignedTitle') : t('queue.title');
  const rows = [...(res.data?.items ?? []), ...extra];

  return (
    <Page title={title}>
      <div class="filters row2">
        <label class="field">
          <span>{t('queue.filterState')}</span>
          <select data-testid="filter-state" value={state} onChange={(e) => setState(e.currentTarget.value as CaseState | '')}>
            <option value="">{t('common.all')}</option>
            {CASE_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`state.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('queue.filterLevel')}</span>
          <select
            data-testid="filter-level"
            value={level}
            onChange={(e) => setLevel(e.currentTarget.value as EscalationLevel | '')}
          >
            <option value="">{t('common.all')}</option>
            {ESCALATION_LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`level.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ResourceNote res={res} />
      {res.data && rows.length === 0 && <p class="muted">{t('queue.empty')}</p>}
      <ul class="list" data-testid="case-list">
        {rows.map((c) => (
          <CaseRow key={c.id} row={fromCase(c)} showLevel />
        ))}
      </ul>
      {moreError ? <ErrorText error={moreError} /> : null}
      {cursor && (
        <button type="button" class="btn btn-secondary btn-block" data-testid="load-more" onClick={loadMore}>
          {t('common.loadMore')}
        </button>
      )}
    </Page>
  );
}
