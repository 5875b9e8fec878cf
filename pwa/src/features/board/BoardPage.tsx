// The community board: what the neighbours need and what was solved lately, as a notice
// board shows it (no reporter, no address); a +1 goes through the outbox.
import { useMemo, useState } from 'preact/hooks';
import { fmtTime, t } from '../../i18n';
import { reads } from '../../offline/cache';
import { supportCase } from '../../offline/outbox';
import { Page, ResourceNote, StateBadge } from '../../ui/bits';
import { categoryLabel } from '../../ui/categories';
import { useResource } from '../../ui/useResource';
import { OPEN_STATES } from '../cases/deadline';

export default function BoardPage() {
  const res = useResource(useMemo(() => reads.board(), []));
  const [supported, setSupported] = useState<Set<string>>(new Set());
  const items = res.data?.items ?? [];
  const open = items.filter((c) => OPEN_STATES.includes(c.state));
  const solved = items.filter((c) => !OPEN_STATES.includes(c.state));

  const rows = (list: typeof items, testid: string) => (
    <ul class="list" data-testid={testid}>
      {list.map((c) => {
        const plusOned = c.supported_by_me || supported.has(c.id);
        // A +1 sent from here counts at once, before the server says so.
        const count = c.supporters + (supported.has(c.id) && !c.supported_by_me ? 1 : 0);
        return (
          <li key={c.id} class="card similar-item" data-testid="board-item" data-case-id={c.id}>
            <div class="card-main">
              <strong class="case-title">{c.title}</strong>
              <span class="muted case-meta">
                <span>{categoryLabel(c.category)}</span>
                <span>{c.org_name}</span>
                <span>
                  {c.resolution_at && !OPEN_STATES.includes(c.state)
                    ? t('board.doneAt', { time: fmtTime(c.resolution_at) })
                    : fmtTime(c.resolved_at ?? c.created_at)}
                </span>
                {count > 0 && <span data-testid="board-supporters">{t('report.supporters', { n: count })}</span>}
              </span>
              {c.resolution_note && (
                <p class="board-resolution" data-testid="board-resolution">
                  <span class="muted">{t('board.done')}</span>
                  {c.resolution_note}
                </p>
              )}
            </div>
            <StateBadge state={c.state} />
            {c.mine ? (
              <a class="btn btn-ghost" href={`/cases/${encodeURIComponent(c.id)}`} data-testid="board-mine">
                {t('board.mine')}
              </a>
            ) : (
              OPEN_STATES.includes(c.state) && (
                <button
                  type="button"
                  class="btn btn-secondary"
                  data-testid="board-support"
                  disabled={plusOned}
                  aria-label={t('report.plusOneLabel', { title: c.title })}
                  onClick={async () => {
                    await supportCase(c.id);
                    setSupported(new Set([...supported, c.id]));
                  }}
                >
                  {plusOned ? t('report.supported') : t('report.plusOne')}
                </button>
              )
            )}
          </li>
        );
      })}
    </ul>
  );

  return (
    <Page title={t('board.title')}>
      <p class="muted">{t('board.hint')}</p>
      <ResourceNote res={res} />
      {res.data && items.length === 0 && <p class="empty" data-testid="board-empty">{t('board.empty')}</p>}
      {open.length > 0 && (
        <section aria-labelledby="board-open-title">
          <h2 id="board-open-title">{t('board.open')}</h2>
          {rows(open, 'board-open')}
        </section>
      )}
      {solved.length > 0 && (
        <section aria-labelledby="board-solved-title">
          <h2 id="board-solved-title">{t('board.solved')}</h2>
          {rows(solved, 'board-solved')}
        </section>
      )}
    </Page>
  );
}
