// Today's door-to-door round (grid workers): works fully offline once the
// buildings were loaded; visits and reports go through the outbox.
import { useMemo } from 'preact/hooks';
import type { Org } from '../../api/types';
import { myGrids } from './grids';
import { orgName, shanghaiDayStart, t, tn } from '../../i18n';
import { reads } from '../../offline/cache';
import { recordVisit } from '../../offline/outbox';
import { requestBackgroundSync } from '../../offline/sw-bridge';
import { Page, ResourceNote } from '../../ui/bits';
import { useOutbox } from '../../ui/useOutbox';
import { useResource } from '../../ui/useResource';
import { currentUser } from '../auth/session';
import { ReportNotice } from '../report/ReportNotice';

function GridRound({ grid, dayStart }: { grid: Org; dayStart: string }) {
  const buildings = useResource(useMemo(() => reads.buildings(grid.id), [grid.id]));
  const visits = useResource(useMemo(() => reads.visits(grid.id, dayStart), [grid.id, dayStart]));
  const outbox = useOutbox();
  const since = Date.parse(dayStart);

  const visited = new Set<string>();
  for (const v of visits.data ?? []) visited.add(String(v.household_id));
  for (const i of outbox) {
    if (i.kind === 'visit' && i.createdAt >= since && i.state !== 'needs_attention') visited.add(String(i.body?.household_id));
  }
  const total = buildings.data?.reduce((n, b) => n + b.households.length, 0) ?? 0;
  const done = buildings.data?.reduce((n, b) => n + b.households.filter((h) => visited.has(String(h.id))).length, 0) ?? 0;

  return (
    <section class="grid-round" data-testid={`round-grid-${grid.id}`} aria-labelledby={`grid-${grid.id}`}>
      <h2 id={`grid-${grid.id}`}>
        {orgName(grid)} <span class="muted">{t('round.visitedCount', { done, total })}</span>
      </h2>
      <ResourceNote res={buildings} />
      {buildings.data?.length === 0 && <p class="muted">{t('round.noBuildings')}</p>}
      {buildings.data?.map((b) => (
        <details key={b.id} class="building" open={buildings.data!.length <= 3}>
          <summary>
            {b.name} <span class="muted">{tn('round.households', b.households.length)}</span>
          </summary>
          <ul class="list">
            {b.households.map((h) => {
              const isVisited = visited.has(String(h.id));
              const label = `${b.name} ${h.label}`;
              return (
                <li key={h.id} class="household" data-testid={`round-household-${h.id}`} data-visited={isVisited}>
                  <span class="household-label">{h.label}</span>
                  {isVisited ? (
                    <span class="state state-resolved" data-testid="household-visited">
                      {t('round.visited')}
                    </span>
                  ) : (
                    <button
                      type="button"
                      class="btn btn-secondary"
                      data-testid="household-visit"
                      aria-label={t('round.visitLabel', { label })}
                      onClick={async () => {
                        await recordVisit({ household_id: h.id, visited_at: new Date().toISOString() }, label);
                        void requestBackgroundSync();
                      }}
                    >
                      {t('round.visit')}
                    </button>
                  )}
                  <a
                    class="btn btn-primary"
                    data-testid="household-report"
                    aria-label={t('round.reportLabel', { label })}
                    href={`/report?household=${encodeURIComponent(String(h.id))}&org=${encodeURIComponent(
                      String(grid.id),
                    )}&label=${encodeURIComponent(label)}`}
                  >
                    {t('round.report')}
                  </a>
                </li>
              );
            })}
          </ul>
        </details>
      ))}
    </section>
  );
}

export default function RoundPage() {
  const user = currentUser.value!;
  const orgs = useResource(useMemo(() => reads.orgs(), []));
  const grids = myGrids(orgs.data, user);
  const dayStart = shanghaiDayStart();
  return (
    <Page
      title={t('round.title')}
      actions={
        <div class="actions-row">
          <a class="btn btn-secondary" href="/queue" data-testid="round-triage">
            {t('round.triage')}
          </a>
          <a class="btn btn-secondary" href="/queue?view=followup" data-testid="round-followups">
            {t('round.followUps')}
          </a>
        </div>
      }
    >
      <ReportNotice />
      <ResourceNote res={orgs} />
      {orgs.data && grids.length === 0 && <p class="muted">{t('round.noGrids')}</p>}
      {grids.map((g) => (
        <GridRound key={g.id} grid={g} dayStart={dayStart} />
      ))}
    </Page>
  );
}
