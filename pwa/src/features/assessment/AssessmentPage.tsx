// Assessment: each unit's response, resolution and satisfaction rates for a month, with score and
// rank, drill-down through the org tree, best and worst units, exports and a 12-month trend.
// Loaded lazily: only staff download it.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../../api';
import type { GroupBy, OrgKind, OrgLevel } from '../../api/types';
import { locale, orgName, t, type MessageKey } from '../../i18n';
import { reads } from '../../offline/cache';
import { Page, ResourceNote } from '../../ui/bits';
import { DownloadButtons } from '../../ui/DownloadButtons';
import { fmtDate, fmtMonth, monthsUpTo, shanghaiMonth } from '../../ui/format';
import { useFigures } from '../../ui/useFigures';
import { useResource } from '../../ui/useResource';
import { currentUser } from '../auth/session';
import { AssessmentTable } from './AssessmentTable';
import { FiguresNav } from './FiguresNav';
import { areaKind, backTo, childLevel, drillInto, queryOf, type View } from './model';
import { RedBlack } from './RedBlack';
import { Trend } from './Trend';

const GROUPS: { group: GroupBy; label: MessageKey }[] = [
  { group: 'org', label: 'assess.group.org' },
  { group: 'provider', label: 'assess.group.provider' },
  { group: 'category', label: 'assess.group.category' },
];

function Exports({ query, period }: { query: ReturnType<typeof queryOf>; period: string }) {
  return (
    <DownloadButtons
      testidPrefix="export-"
      busyLabel={t('assess.exporting')}
      choices={(['csv', 'xlsx'] as const).map((format) => ({
        id: format,
        label: t(format === 'csv' ? 'assess.exportCsv' : 'assess.exportXlsx'),
        fetch: () => api.assessmentFile({ ...query, format, lang: locale.value }),
        fallbackName: `assessment-${period}.${format}`,
      }))}
    />
  );
}

export default function AssessmentPage() {
  const me = currentUser.value;
  const providerStaff = me?.role === 'provider_staff';
  const thisMonth = shanghaiMonth();
  const orgs = useResource(useMemo(() => (providerStaff ? null : reads.orgs()), [providerStaff]));
  const myOrg = orgs.data?.find((o) => o.id === me?.org_id);
  const rootKind: OrgKind | undefined = myOrg?.kind;
  const [view, setView] = useState<View>({ group: 'org', trail: [], period: thisMonth, live: true });
  // Until the user's own org is known, the level below it is not: wait (the list is cached).
  const rootKnown = providerStaff || !!myOrg || (!orgs.loading && orgs.data === undefined);
  const effective: View = providerStaff
    ? { ...view, group: 'provider', trail: [] }
    : view.group === 'org' && !view.trail.length && rootKnown && !childLevel(rootKind)
      ? { ...view, group: 'provider' }
      : view;
  const query = queryOf(effective, rootKind);
  const res = useFigures(useMemo(() => (rootKnown ? reads.assessment(query) : null), [JSON.stringify(query), rootKnown]));
  const data = res.data;
  const months = monthsUpTo(thisMonth, 24).reverse();
  const level: OrgLevel | undefined = query.level;
  // The org tab is named after the level its rows would be ("by street"), in every tab.
  const orgLevel = childLevel(areaKind(rootKind, effective.trail));
  const publication = data?.publication ?? null;
  const isThisMonth = effective.period === thisMonth;

  return (
    <Page title={t('assess.title')} wide>
      <FiguresNav />
      <div class="controls">
        <label class="field field-inline">
          <span>{t('assess.month')}</span>
          <select
            data-testid="assess-month"
            value={effective.period}
            onChange={(e) => setView({ ...view, period: e.currentTarget.value, live: true })}
          >
            {months.map((m) => (
              <option key={m} value={m}>
                {fmtMonth(m)}
              </option>
            ))}
          </select>
        </label>
        {publication && (
          <div class="segbar" role="group" aria-label={t('assess.viewLabel')}>
            {([true, false] as const).map((live) => (
              <button
                key={String(live)}
                type="button"
                data-testid={live ? 'view-live' : 'view-published'}
                class={effective.live === live ? 'segbar-on' : ''}
                aria-pressed={effective.live === live}
                onClick={() => setView({ ...view, live })}
              >
                {t(live ? 'assess.viewLive' : 'assess.viewPublished')}
              </button>
            ))}
          </div>
        )}
      </div>

      {!providerStaff && (
        <>
          <div class="segbar" role="group" aria-label={t('assess.groupLabel')} data-testid="assess-groups">
            {GROUPS.filter((g) => g.group !== 'org' || orgLevel).map((g) => (
              <button
                key={g.group}
                type="button"
                data-testid={`group-${g.group}`}
                class={effective.group === g.group ? 'segbar-on' : ''}
                aria-pressed={effective.group === g.group}
                onClick={() => setView({ ...view, group: g.group })}
              >
                {g.group === 'org' && orgLevel ? t(`assess.level.${orgLevel}`) : t(g.label)}
              </button>
            ))}
          </div>
          <nav class="crumbs" aria-label={t('assess.crumbs')} data-testid="crumbs">
            <ol>
              <li>
                {effective.trail.length ? (
                  <button type="button" class="link" data-testid="crumb-root" onClick={() => setView(backTo(view, -1, rootKind))}>
                    {myOrg ? orgName(myOrg) : t('assess.myArea')}
                  </button>
                ) : (
                  <span aria-current="location">{myOrg ? orgName(myOrg) : t('assess.myArea')}</span>
                )}
              </li>
              {effective.trail.map((c, i) => (
                <li key={c.id}>
                  {i < effective.trail.length - 1 ? (
                    <button type="button" class="link" data-testid={`crumb-${i}`} onClick={() => setView(backTo(view, i, rootKind))}>
                      {c.name}
                    </button>
                  ) : (
                    <span aria-current="location">{c.name}</span>
                  )}
                </li>
              ))}
            </ol>
          </nav>
        </>
      )}

      {publication && (
        <p class="note" data-testid="publication">
          {t('assess.published', { date: fmtDate(publication.published_at), name: publication.published_by })}
        </p>
      )}
      {!effective.live && publication && <p class="muted">{t('assess.publishedHint', { org: publication.org_name })}</p>}
      <ResourceNote res={res} />
      {res.offline && !data && <p class="muted">{t('figures.offline')}</p>}

      {data && (
        <>
          {data.rows.length === 0 ? (
            <p class="empty" data-testid="assess-empty">
              {isThisMonth ? t('assess.emptyThisMonth') : t('assess.emptyMonth', { month: fmtMonth(effective.period) })}
            </p>
          ) : (
            <>
              {!providerStaff && <RedBlack rows={data.rows} />}
              <section class="card-pad" aria-labelledby="table-title">
                <div class="section-head">
                  <h2 id="table-title">{t('assess.tableTitle', { month: fmtMonth(effective.period) })}</h2>
                  <Exports query={query} period={effective.period} />
                </div>
                <p class="muted">
                  {t('assess.weights', {
                    response: data.weights.response,
                    resolution: data.weights.resolution,
                    satisfaction: data.weights.satisfaction,
                  })}
                  {effective.group === 'org' && ` ${t('assess.drillHint')}`}
                </p>
                <AssessmentTable
                  rows={data.rows}
                  showPublished={effective.live && !!publication}
                  onOpen={
                    effective.group === 'org' && level
                      ? (row) => {
                          setView(drillInto(view, row, level));
                          // The new rows and the breadcrumb are at the top.
                          document.getElementById('main')?.scrollIntoView?.({ block: 'start' });
                        }
                      : undefined
                  }
                />
              </section>
            </>
          )}
          <Trend query={query} last={effective.period} />
        </>
      )}
    </Page>
  );
}
