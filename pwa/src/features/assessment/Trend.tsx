// Twelve months of the area's three rates: one request per month, the rows summed.
// The table lists the newest month first (what one looks for); the chart runs left to right.
import { useMemo } from 'preact/hooks';
import type { AssessmentArgs } from '../../api/types';
import { t } from '../../i18n';
import { reads } from '../../offline/cache';
import { ResourceNote } from '../../ui/bits';
import { fmtInt, fmtMonth, monthsUpTo } from '../../ui/format';
import { useFigures } from '../../ui/useFigures';
import { LazyChart } from '../charts/LazyChart';
import { Rate } from './AssessmentTable';
import { areaRates } from './model';

export const RATE_COLORS = { response: '#0f766e', resolution: '#b54708', satisfaction: '#6941c6' };

export function Trend({ query, last }: { query: AssessmentArgs; last: string }) {
  const months = useMemo(() => monthsUpTo(last, 12), [last]);
  const base = { ...query, period: undefined, view: 'live' as const };
  const key = JSON.stringify(base);
  const res = useFigures(useMemo(() => reads.assessmentMonths(base, months), [key, months.join()]));
  const points = (res.data ?? []).map((a, i) => ({ month: months[i], ...areaRates(a.rows) }));
  const any = points.some((p) => p.cases > 0);
  return (
    <section class="card-pad" aria-labelledby="trend-title" data-testid="trend">
      <h2 id="trend-title">{t('assess.trend')}</h2>
      <ResourceNote res={res} />
      {res.data && !any && <p class="muted">{t('assess.trendEmpty')}</p>}
      {res.data && any && (
        <>
          <LazyChart
            percent
            labels={points.map((p) => fmtMonth(p.month, 'axis'))}
            series={[
              { label: t('assess.col.response'), values: points.map((p) => p.response), color: RATE_COLORS.response },
              { label: t('assess.col.resolution'), values: points.map((p) => p.resolution), color: RATE_COLORS.resolution },
              { label: t('assess.col.satisfaction'), values: points.map((p) => p.satisfaction), color: RATE_COLORS.satisfaction },
            ]}
          />
          <div class="table-wrap table-short" tabIndex={0} role="region" aria-label={t('assess.trendTable')}>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col" class="sticky">{t('assess.col.month')}</th>
                  <th scope="col" class="num">{t('assess.col.response')}</th>
                  <th scope="col" class="num">{t('assess.col.resolution')}</th>
                  <th scope="col" class="num">{t('assess.col.satisfaction')}</th>
                  <th scope="col" class="num">{t('assess.col.cases')}</th>
                </tr>
              </thead>
              <tbody>
                {[...points].reverse().map((p) => (
                  <tr key={p.month}>
                    <th scope="row" class="sticky nowrap">{fmtMonth(p.month)}</th>
                    <td class="num"><Rate value={p.response} /></td>
                    <td class="num"><Rate value={p.resolution} /></td>
                    <td class="num"><Rate value={p.satisfaction} /></td>
                    <td class="num">{fmtInt(p.cases)}</td>
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
