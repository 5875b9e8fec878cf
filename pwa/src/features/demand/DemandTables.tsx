// The demand screen's tables: heat (community × category), unmet needs, supply against
// demand, recurring needs. Each scrolls sideways inside its card on a narrow phone.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Toggle } from '../../ui/Toggle';
import type { RecurringNeed, SupplyRow, UnmetNeed } from '../../api/types';
import { categoryName, t, type MessageKey } from '../../i18n';
import { fmtDec, fmtInt } from '../../ui/format';
import { intensity, type Heat } from './model';

function Scroll({ label, children, testid }: { label: string; children: ComponentChildren; testid?: string }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={label} data-testid={testid}>
      {children}
    </div>
  );
}

function Head({ cols }: { cols: MessageKey[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c, i) => (
          <th key={c} scope="col" class={i === 0 ? 'sticky' : i > 1 ? 'num' : ''}>
            {t(c)}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function HeatTable({ heat }: { heat: Heat }) {
  return (
    <Scroll label={t('demand.heatLabel')} testid="heat-table">
      <table class="data heat">
        <thead>
          <tr>
            <th scope="col" class="sticky">
              {t('demand.col.community')}
            </th>
            {heat.columns.map((c) => (
              <th key={c.code} scope="col" class="num">
                {categoryName(c)}
              </th>
            ))}
            <th scope="col" class="num">
              {t('demand.col.total')}
            </th>
          </tr>
        </thead>
        <tbody>
          {heat.rows.map((r) => (
            <tr key={r.id} data-testid="heat-row">
              <th scope="row" class="sticky">
                {r.name}
              </th>
              {heat.columns.map((c) => {
                const n = r.cells.get(c.code) ?? 0;
                const a = intensity(n, heat.max);
                return (
                  <td
                    key={c.code}
                    class={`num heat-cell${a > 0.55 ? ' heat-dark' : ''}${n ? '' : ' heat-zero'}`}
                    style={a ? { background: `rgba(15, 118, 110, ${a.toFixed(2)})` } : undefined}
                    data-testid="heat-cell"
                  >
                    {fmtInt(n)}
                  </td>
                );
              })}
              <td class="num">
                <strong>{fmtInt(r.total)}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

export function UnmetTable({ rows }: { rows: UnmetNeed[] }) {
  return (
    <Scroll label={t('demand.unmetTitle')} testid="unmet-table">
      <table class="data">
        <Head cols={['demand.col.community', 'demand.col.category', 'demand.col.cases', 'demand.col.oldestWait']} />
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.community.id}:${r.category.code}`}>
              <th scope="row" class="sticky">
                {r.community.name}
              </th>
              <td>{categoryName(r.category)}</td>
              <td class="num">{fmtInt(r.cases)}</td>
              <td class="num">{t('demand.hours', { n: fmtDec(r.oldest_waiting_hours) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

export function SupplyTable({ rows }: { rows: SupplyRow[] }) {
  const [all, setAll] = useState(false);
  // Most pairs have providers and nothing open: by default only those with open cases or a gap.
  const busy = rows.filter((r) => r.open_demand > 0 || r.gap > 0);
  const sorted = (all ? rows : busy).slice().sort((a, b) => b.gap - a.gap || b.open_demand - a.open_demand);
  return (
    <>
      {rows.some((r) => r.gap > 0) ? null : <p class="ok">{t('demand.noGap')}</p>}
      <div class="chips">
        <Toggle label={t('demand.supplyAll', { n: fmtInt(rows.length) })} testid="supply-all" checked={all} onChange={setAll} />
      </div>
      {sorted.length === 0 ? (
        <p class="muted">{t('demand.supplyNoneOpen')}</p>
      ) : (
        <Scroll label={t('demand.supplyTitle')} testid="supply-table">
          <table class="data">
            <Head
              cols={[
                'demand.col.community',
                'demand.col.category',
                'demand.col.providers',
                'demand.col.capacity',
                'demand.col.openLoad',
                'demand.col.openDemand',
                'demand.col.gap',
              ]}
            />
            <tbody>
              {sorted.map((r) => (
                <tr key={`${r.community.id}:${r.category.code}`} class={r.gap > 0 ? 'row-gap' : ''} data-testid="supply-row">
                  <th scope="row" class="sticky">
                    {r.community.name}
                  </th>
                  <td>{categoryName(r.category)}</td>
                  <td class="num">{fmtInt(r.providers)}</td>
                  <td class="num">{fmtInt(r.capacity)}</td>
                  <td class="num">{fmtInt(r.open_load)}</td>
                  <td class="num">{fmtInt(r.open_demand)}</td>
                  <td class="num">
                    {r.gap > 0 ? <strong class="gap">{t('demand.gapShort', { n: fmtInt(r.gap) })}</strong> : fmtInt(0)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </>
  );
}

export function RecurringList({ rows }: { rows: RecurringNeed[] }) {
  return (
    <ul class="list recurring" data-testid="recurring">
      {rows.map((r) => (
        <li key={`${r.place.kind}:${r.place.id}:${r.category.code}`} class="card-pad" data-testid="recurring-item">
          <div class="recurring-head">
            <strong>{r.place.name}</strong>
            <span class="muted">{t(r.place.kind === 'building' ? 'demand.place.building' : 'demand.place.grid')}</span>
          </div>
          <div>
            {t('demand.recurringLine', { category: categoryName(r.category), n: fmtInt(r.cases) })}
          </div>
          <div class="case-links">
            {r.openable_case_ids.map((id, i) => (
              <a key={id} href={`/cases/${encodeURIComponent(id)}`} data-testid="recurring-case">
                {t('demand.caseN', { n: i + 1 })}
              </a>
            ))}
          </div>
          {r.case_ids.length > r.openable_case_ids.length && (
            <p class="muted" data-testid="recurring-below">
              {t('demand.handledBelow', { n: fmtInt(r.case_ids.length - r.openable_case_ids.length) })}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
