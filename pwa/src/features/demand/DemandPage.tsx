// Demand: where needs come from (community × category), how they move week by week, which
// go unmet, where supply falls short, and which come back again and again at one place.
// Loaded lazily: only staff download it.
import { useMemo, useState } from 'preact/hooks';
import type { DemandArgs } from '../../api/types';
import { categoryName, t } from '../../i18n';
import { reads } from '../../offline/cache';
import { Page, ResourceNote } from '../../ui/bits';
import { fmtDate, fmtInt, monthBefore, shanghaiMonth } from '../../ui/format';
import { useFigures } from '../../ui/useFigures';
import { FiguresNav } from '../assessment/FiguresNav';
import { LazyChart } from '../charts/LazyChart';
import { HeatTable, RecurringList, SupplyTable, UnmetTable } from './DemandTables';
import { heat, weekly } from './model';

const SPANS = [3, 6, 12] as const;
const LINE_COLORS = ['#1f2933', '#0f766e', '#b54708', '#6941c6'];

/** "2026-W48" → "W48" (axis) or "2026 W48" (table). */
const weekLabel = (p: string, long = false) => (long ? p.replace('-', ' ') : p.slice(p.indexOf('-') + 1));

function Weekly({ from }: { from: string }) {
  const args: DemandArgs = { by: ['category'], granularity: 'week', from };
  const res = useFigures(useMemo(() => reads.demand(args), [from]));
  const w = res.data ? weekly(res.data.periods.map((p) => p.period), res.data.series) : null;
  const lines = w ? [{ label: t('demand.allCases'), values: w.total }, ...w.top.map((c) => ({ label: categoryName(c), values: c.values }))] : [];
  return (
    <section class="card-pad" aria-labelledby="weekly-title" data-testid="weekly">
      <h2 id="weekly-title">{t('demand.weeklyTitle')}</h2>
      <ResourceNote res={res} />
      {w && !w.total.some(Boolean) && <p class="muted">{t('demand.weeklyEmpty')}</p>}
      {w && w.total.some(Boolean) && (
        <>
          <LazyChart
            labels={w.periods.map((p) => weekLabel(p))}
            series={lines.map((l, i) => ({ ...l, color: LINE_COLORS[i % LINE_COLORS.length] }))}
          />
          <div class="table-wrap table-short" tabIndex={0} role="region" aria-label={t('demand.weeklyTable')}>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col" class="sticky">
                    {t('demand.col.week')}
                  </th>
                  {lines.map((l) => (
                    <th key={l.label} scope="col" class="num">
                      {l.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...w.periods.keys()].reverse().map((i) => (
                  <tr key={w.periods[i]}>
                    <th scope="row" class="sticky nowrap">
                      {weekLabel(w.periods[i], true)}
                    </th>
                    {lines.map((l) => (
                      <td key={l.label} class="num">
                        {fmtInt(l.values[i])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export default function DemandPage() {
  const [months, setMonths] = useState<(typeof SPANS)[number]>(12);
  const from = `${monthBefore(shanghaiMonth(), months - 1)}-01`;
  const args: DemandArgs = { by: ['category', 'org'], level: 'community', granularity: 'month', from };
  const res = useFigures(useMemo(() => reads.demand(args), [from]));
  const d = res.data;
  const h = useMemo(() => (d ? heat(d.series) : null), [d]);

  return (
    <Page title={t('demand.title')} wide>
      <FiguresNav />
      <label class="field field-inline">
        <span>{t('demand.span')}</span>
        <select data-testid="demand-span" value={months} onChange={(e) => setMonths(Number(e.currentTarget.value) as typeof months)}>
          {SPANS.map((n) => (
            <option key={n} value={n}>
              {t('demand.lastMonths', { n })}
            </option>
          ))}
        </select>
      </label>
      <ResourceNote res={res} />
      {res.offline && !d && <p class="muted">{t('figures.offline')}</p>}
      {d && h && (
        <>
          <section class="card-pad" aria-labelledby="heat-title">
            <h2 id="heat-title">{t('demand.heatTitle')}</h2>
            {h.rows.length ? (
              <>
                <p class="muted">{t('demand.heatHint', { from: fmtDate(d.from), to: fmtDate(d.to) })}</p>
                <HeatTable heat={h} />
              </>
            ) : (
              <p class="muted" data-testid="heat-empty">{t('demand.heatEmpty')}</p>
            )}
          </section>
          <Weekly from={from} />
          <section class="card-pad" aria-labelledby="unmet-title">
            <h2 id="unmet-title">{t('demand.unmetTitle')}</h2>
            <p class="muted">{t('demand.unmetHint')}</p>
            {d.unmet_needs.length ? <UnmetTable rows={d.unmet_needs} /> : <p class="ok">{t('demand.unmetEmpty')}</p>}
          </section>
          <section class="card-pad" aria-labelledby="supply-title">
            <h2 id="supply-title">{t('demand.supplyTitle')}</h2>
            <p class="muted">{t('demand.supplyHint')}</p>
            {d.supply_vs_demand.length ? <SupplyTable rows={d.supply_vs_demand} /> : <p class="muted">{t('demand.supplyEmpty')}</p>}
          </section>
          <section aria-labelledby="recurring-title">
            <h2 id="recurring-title">{t('demand.recurringTitle')}</h2>
            <p class="muted">{t('demand.recurringHint')}</p>
            {d.recurring_needs.length ? <RecurringList rows={d.recurring_needs} /> : <p class="muted">{t('demand.recurringEmpty')}</p>}
          </section>
        </>
      )}
    </Page>
  );
}
