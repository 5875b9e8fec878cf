import { useMemo } from 'preact/hooks';
import { t } from '../../i18n';
import { reads } from '../../offline/cache';
import { Page, ResourceNote } from '../../ui/bits';
import { useOutbox } from '../../ui/useOutbox';
import { useResource } from '../../ui/useResource';
import { ReportNotice } from '../report/ReportNotice';
import { CaseRow, fromCase, type RowData } from './CaseRow';

/** Reports made on this phone that the server has not confirmed yet. */
export function pendingReports(items: ReturnType<typeof useOutbox>): RowData[] {
  return items
    .filter((i) => i.kind === 'create_case' && i.state !== 'sent')
    .reverse()
    .map((i) => ({
      id: i.caseId ?? i.id,
      title: String(i.body?.title ?? ''),
      category: String(i.body?.category ?? 'other'),
      pending: true,
      attention: i.state === 'needs_attention',
      createdAt: i.createdAt,
    }));
}

export function MyCases() {
  const res = useResource(useMemo(() => reads.cases({ mine: true }), []));
  const outbox = useOutbox();
  const pending = pendingReports(outbox);
  const serverIds = new Set(res.data?.items.map((c) => c.id));
  const rows = [...pending.filter((p) => !serverIds.has(p.id)), ...(res.data?.items.map(fromCase) ?? [])];

  return (
    <Page title={t('cases.mineTitle')}>
      <ReportNotice />
      <ResourceNote res={res} />
      {rows.length === 0 && !res.loading ? <p class="muted">{t('cases.empty')}</p> : null}
      <ul class="list" data-testid="case-list">
        {rows.map((r) => (
          <CaseRow key={r.id} row={r} />
        ))}
      </ul>
    </Page>
  );
}
