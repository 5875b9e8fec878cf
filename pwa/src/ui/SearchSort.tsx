// The search box and order picker of every case list (the queue, the review queue, co-tasks):
// one server-side search (cases/listing.py searched), the same three orders.
import type { CaseListArgs } from '../api/types';
import { t } from '../i18n';

/** The orders the server offers (cases/listing.py CaseOrder). */
export type CaseOrder = NonNullable<CaseListArgs['sort']>;
const ORDERS: CaseOrder[] = ['newest', 'oldest', 'due'];

export function SearchSort({
  testid,
  search,
  onSearch,
  sort,
  onSort,
}: {
  /** Prefix of the controls' test ids: `${testid}-search`, `${testid}-sort`. */
  testid: string;
  search: string;
  onSearch: (q: string) => void;
  sort: CaseOrder;
  onSort: (o: CaseOrder) => void;
}) {
  return (
    <div class="search-row" role="search">
      <label class="field">
        <span>{t('queue.search')}</span>
        <input
          type="search"
          data-testid={`${testid}-search`}
          value={search}
          placeholder={t('queue.searchHint')}
          enterKeyHint="search"
          maxLength={100}
          onInput={(e) => onSearch(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t('queue.sort')}</span>
        <select data-testid={`${testid}-sort`} value={sort} onChange={(e) => onSort(e.currentTarget.value as CaseOrder)}>
          {ORDERS.map((o) => (
            <option key={o} value={o}>
              {t(`queue.sort.${o}`)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** The list query's q and sort: left out when empty or the list's default order. */
export function searchArgs(q: string, sort: CaseOrder, defaultSort: CaseOrder = 'newest'): { q?: string; sort?: CaseOrder } {
  const a: { q?: string; sort?: CaseOrder } = {};
  if (q.trim()) a.q = q.trim();
  if (sort !== defaultSort) a.sort = sort;
  return a;
}
