// The assessment table: one row per unit, sortable by every figure; an org's name opens it.
import { useState } from 'preact/hooks';
import type { AssessmentRow } from '../../api/types';
import { locale, t, type MessageKey } from '../../i18n';
import { fmtDec, fmtInt, fmtPct } from '../../ui/format';
import { sortRows, type Sort, type SortKey } from './model';

export function unitName(r: AssessmentRow): string {
  return locale.value === 'en' ? r.unit.name_en || r.unit.name : r.unit.name || r.unit.name_en;
}

/** A rate, or "no data" when it has no denominator (never 0 %). */
export function Rate({ value }: { value: number | null }) {
  return value === null ? <span class="muted no-data">{t('assess.noData')}</span> : <>{fmtPct(value)}</>;
}

const COLUMNS: { key: SortKey; label: MessageKey; num: boolean; firstDesc: boolean }[] = [
  { key: 'rank', label: 'assess.col.rank', num: true, firstDesc: false },
  { key: 'unit', label: 'assess.col.unit', num: false, firstDesc: false },
  { key: 'score', label: 'assess.col.score', num: true, firstDesc: true },
  { key: 'response_rate', label: 'assess.col.response', num: true, firstDesc: true },
  { key: 'resolution_rate', label: 'assess.col.resolution', num: true, firstDesc: true },
  { key: 'satisfaction_rate', label: 'assess.col.satisfaction', num: true, firstDesc: true },
  { key: 'cases', label: 'assess.col.cases', num: true, firstDesc: true },
  { key: 'overdue', label: 'assess.col.overdue', num: true, firstDesc: true },
  { key: 'bounces', label: 'assess.col.bounces', num: true, firstDesc: true },
  { key: 'not_rated', label: 'assess.col.notRated', num: true, firstDesc: true },
];

export function AssessmentTable({
  rows,
  showPublished,
  onOpen,
}: {
  rows: AssessmentRow[];
  /** Live view of a published month: show the published rank where it differs. */
  showPublished: boolean;
  /** Set for org rows: opening one drills down. */
  onOpen?: (row: AssessmentRow) => void;
}) {
  const [sort, setSort] = useState<Sort>({ key: 'rank', desc: false });
  const sorted = sortRows(rows, sort, unitName);
  const toggle = (key: SortKey, firstDesc: boolean) =>
    setSort((s) => (s.key === key ? { key, desc: !s.desc } : { key, desc: firstDesc }));
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={t('assess.tableLabel')}>
      <table class="data" data-testid="assessment-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                class={`${c.num ? 'num' : ''}${c.key === 'unit' ? ' sticky' : ''}`}
                aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}
              >
                <button type="button" class="sort" data-testid={`sort-${c.key}`} onClick={() => toggle(c.key, c.firstDesc)}>
                  {t(c.label)}
                  <span aria-hidden="true" class="sort-mark">
                    {sort.key === c.key ? (sort.desc ? '▼' : '▲') : ''}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={`${r.unit.kind}:${r.unit.id}:${r.unit.code}`} data-testid="assessment-row">
              <td class="num">
                {r.rank ?? '–'}
                {showPublished && r.published_rank !== null && r.published_rank !== r.rank && (
                  <span class="published-rank" data-testid="published-rank">
                    {t('assess.publishedRank', { rank: r.published_rank })}
                  </span>
                )}
              </td>
              <th scope="row" class="sticky">
                {onOpen ? (
                  <button type="button" class="link" data-testid="drill" onClick={() => onOpen(r)}>
                    {unitName(r)}
                  </button>
                ) : (
                  unitName(r)
                )}
              </th>
              <td class="num">{r.score === null ? <span class="muted">{t('assess.noData')}</span> : fmtDec(r.score)}</td>
              <td class="num" data-testid="rate-response">
                <Rate value={r.response_rate} />
              </td>
              <td class="num" data-testid="rate-resolution">
                <Rate value={r.resolution_rate} />
              </td>
              <td class="num" data-testid="rate-satisfaction">
                <Rate value={r.satisfaction_rate} />
              </td>
              <td class="num">{fmtInt(r.cases)}</td>
              <td class="num">{fmtInt(r.overdue)}</td>
              <td class="num">{fmtInt(r.bounces)}</td>
              <td class="num">{fmtInt(r.not_rated)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
