// The party branch's review queue (also an officer's and an admin's): cases with a low
// rating, overdue, bounced, escalated or rejected that changed since the last sign-off.
// Loaded lazily: only reviewers download it.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../../api';
import { REVIEW_REASONS, type ReviewItem, type ReviewListArgs, type ReviewReason } from '../../api/types';
import { fmtTime, t } from '../../i18n';
import { reads } from '../../offline/cache';
import type { OutboxItem } from '../../offline/outbox-types';
import { LoadMore, Page, ResourceNote } from '../../ui/bits';
import { type CaseOrder, SearchSort, searchArgs } from '../../ui/SearchSort';
import { Toggle } from '../../ui/Toggle';
import { useDebounced } from '../../ui/useDebounced';
import { useOutbox } from '../../ui/useOutbox';
import { usePagedList } from '../../ui/usePagedList';
import { useResource } from '../../ui/useResource';
import { CaseRow, fromCase } from '../cases/CaseRow';

export const REVIEW_PAGE_SIZE = 20;

/** The list query; reasons in the document's order so the cache key does not depend on tapping order. */
export function reviewArgs(reasons: ReviewReason[], q = '', sort: CaseOrder = 'newest'): ReviewListArgs {
  const a: ReviewListArgs = { limit: REVIEW_PAGE_SIZE, ...searchArgs(q, sort) };
  if (reasons.length) a.reason = REVIEW_REASONS.filter((r) => reasons.includes(r));
  return a;
}

/**
 * Cases signed off on this phone that the list (maybe an offline copy) still shows: a
 * sign-off waiting in the outbox, or one the server took after the list's last sign-off.
 * Both times compared are the server's (`last_reviewed_at`, the event's `at`).
 */
export function signedOffHere(items: ReviewItem[], outbox: OutboxItem[]): Set<string> {
  const hidden = new Set<string>();
  for (const w of outbox) {
    if (w.kind !== 'review' || w.body?.kind !== 'reviewed' || !w.caseId) continue;
    const item = items.find((i) => i.case.id === w.caseId);
    if (!item) continue;
    if (w.state !== 'sent') {
      hidden.add(w.caseId);
      continue;
    }
    const at = (w.response as { at?: string } | undefined)?.at;
    if (at && (!item.last_reviewed_at || Date.parse(at) > Date.parse(item.last_reviewed_at))) hidden.add(w.caseId);
  }
  return hidden;
}

function Reasons({ reasons }: { reasons: ReviewReason[] }) {
  return (
    <span class="flags">
      {reasons.map((r) => (
        <span key={r} class={`state review-reason reason-${r}`} data-testid="review-item-reason" data-reason={r}>
          {t(`review.reason.${r}`)}
        </span>
      ))}
    </span>
  );
}

export default function ReviewPage() {
  const [reasons, setReasons] = useState<ReviewReason[]>([]);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<CaseOrder>('newest');
  const q = useDebounced(search);
  const args = useMemo(() => reviewArgs(reasons, q, sort), [reasons, q, sort]);
  const res = useResource(useMemo(() => reads.reviews(args), [args]));
  const outbox = useOutbox();
  const paging = usePagedList(args, res.data?.next_cursor, api.reviews);

  const all = [...(res.data?.items ?? []), ...paging.extra];
  const hidden = signedOffHere(all, outbox);
  const rows = all.filter((i) => !hidden.has(i.case.id));

  return (
    <Page title={t('review.title')}>
      <SearchSort testid="review" search={search} onSearch={setSearch} sort={sort} onSort={setSort} />
      <fieldset class="field filters">
        <legend>{t('review.filterReasons')}</legend>
        <div class="chips" data-testid="review-reasons">
          {REVIEW_REASONS.map((r) => (
            <Toggle
              key={r}
              label={t(`review.reason.${r}`)}
              testid={`review-reason-${r}`}
              checked={reasons.includes(r)}
              onChange={(on) => setReasons(on ? [...reasons, r] : reasons.filter((x) => x !== r))}
            />
          ))}
        </div>
      </fieldset>
      <ResourceNote res={res} />
      {res.data && rows.length === 0 && (
        <div class="empty" data-testid="review-empty">
          <p>{args.q ? t('queue.noMatch', { q: args.q }) : t('review.empty')}</p>
          {args.q && <p class="muted">{t('queue.noMatchHint')}</p>}
        </div>
      )}
      <ul class="list" data-testid="review-list">
        {rows.map((i) => (
          <CaseRow
            key={i.case.id}
            row={fromCase(i.case)}
            showLevel
            testid="review-item"
            nameExtra={t('review.reasons', { reasons: i.reasons.map((r) => t(`review.reason.${r}`)).join(t('common.listSep')) })}
          >
            <Reasons reasons={i.reasons} />
            {i.last_reviewed_at && <span class="muted">{t('review.lastReviewed', { time: fmtTime(i.last_reviewed_at) })}</span>}
          </CaseRow>
        ))}
      </ul>
      <LoadMore paging={paging} />
    </Page>
  );
}
