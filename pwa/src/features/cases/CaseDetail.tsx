import { lazy } from 'preact-iso';
import { useMemo } from 'preact/hooks';
import type { Case } from '../../api/types';
import { fmtTime, t } from '../../i18n';
import { reads } from '../../offline/cache';
import type { OutboxItem } from '../../offline/outbox-types';
import { Page, ResourceNote, StateBadge } from '../../ui/bits';
import { AuthImage } from '../../ui/AuthImage';
import { categoryLabel } from '../../ui/categories';
import { useOutbox } from '../../ui/useOutbox';
import { useResource } from '../../ui/useResource';
import { currentUser } from '../auth/session';
import { RatingForm } from './Rating';
import { Timeline } from './Timeline';

const CaseActions = lazy(() => import('./CaseActions'));

function Deadline({ label, at, done }: { label: string; at?: string | null; done: boolean }) {
  if (!at) return null;
  const overdue = !done && Date.parse(at) < Date.now();
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid="case-deadline" class={overdue ? 'error' : ''}>
        {fmtTime(at)}
        {overdue ? ` · ${t('cases.overdue')}` : ''}
      </dd>
    </>
  );
}

function Info({ c }: { c: Case }) {
  const afterAccept = c.state !== 'submitted';
  const afterResolve = ['resolved', 'closed', 'rejected'].includes(c.state);
  return (
    <dl class="info">
      <dt>{t('cases.reference')}</dt>
      <dd data-testid="case-reference">{c.reference}</dd>
      <dt>{t('cases.category')}</dt>
      <dd>{categoryLabel(c.category)}</dd>
      <dt>{t('cases.org')}</dt>
      <dd>{[c.org_name, c.address].filter(Boolean).join(' · ')}</dd>
      <dt>{t('cases.escalation')}</dt>
      <dd data-testid="case-level">{t(`level.${c.escalation_level}`)}</dd>
      {c.provider_name && (
        <>
          <dt>{t('cases.provider')}</dt>
          <dd>{c.provider_name}</dd>
        </>
      )}
      {c.reporter && (
        <>
          <dt>{t('cases.reporter')}</dt>
          <dd>{[c.reporter.display_name, c.reporter.phone].filter(Boolean).join(' · ')}</dd>
        </>
      )}
      <dt>{t('cases.created')}</dt>
      <dd>{fmtTime(c.created_at)}</dd>
      <Deadline label={t('cases.deadlineAccept')} at={c.accept_by} done={afterAccept} />
      <Deadline label={t('cases.deadlineResolve')} at={c.resolve_by} done={afterResolve} />
      {c.supporters > 1 && (
        <>
          <dt>{t('cases.supportersLabel')}</dt>
          <dd>{c.supporters}</dd>
        </>
      )}
    </dl>
  );
}

function PendingCase({ item }: { item: OutboxItem }) {
  const b = item.body ?? {};
  return (
    <Page title={String(b.title ?? '')}>
      <StateBadge pending />
      <p class="note">{t('cases.notSentYet')}</p>
      <dl class="info">
        <dt>{t('cases.category')}</dt>
        <dd>{categoryLabel(String(b.category ?? ''))}</dd>
        <dt>{t('cases.created')}</dt>
        <dd>{fmtTime(item.createdAt)}</dd>
      </dl>
      <p class="description">{String(b.description ?? '')}</p>
      {item.state === 'needs_attention' && (
        <a class="btn btn-secondary" href="/outbox">
          {t('outbox.state.needs_attention')}
        </a>
      )}
    </Page>
  );
}

export function CaseDetail({ id }: { id: string }) {
  const res = useResource(useMemo(() => reads.case(id), [id]));
  const outbox = useOutbox();
  const user = currentUser.value;
  const mine = outbox.filter((i) => i.caseId === id && i.state !== 'sent');
  const c = res.data?.case;

  if (!c) {
    const pending = outbox.find((i) => i.kind === 'create_case' && i.caseId === id && i.state !== 'sent');
    if (pending) return <PendingCase item={pending} />;
    return (
      <Page title={t('cases.notFound')}>
        <ResourceNote res={res} />
      </Page>
    );
  }

  const ratingPending = mine.some((i) => i.kind === 'rating');
  const canRate = user?.role === 'resident' && c.state === 'resolved' && !c.rating && !ratingPending;
  const staff = user && user.role !== 'resident';

  return (
    <Page title={c.title}>
      <div class="detail-head">
        <StateBadge state={c.state} />
        {c.priority === 'urgent' && <span class="state state-urgent">{t('report.urgent')}</span>}
        {mine.length > 0 && (
          <a href="/outbox" class="state state-pending" data-testid="case-pending-writes">
            {t('cases.pendingSync')} · {mine.length}
          </a>
        )}
      </div>
      <ResourceNote res={res} fetchedAt={c.updated_at} />
      <p class="description">{c.description}</p>
      <Info c={c} />
      {c.attachments.length > 0 && (
        <section aria-label={t('cases.attachments')}>
          <div class="thumbs">
            {c.attachments.map((a, i) => (
              <div key={a.id} class="thumb" data-testid="case-attachment">
                <AuthImage url={a.url} alt={t('cases.photo', { n: i + 1 })} />
              </div>
            ))}
          </div>
        </section>
      )}
      {c.rating && (
        <p class="note" data-testid="case-rating">
          {t('rating.yours', { stars: c.rating.stars, resolved: c.rating.resolved ? t('rating.yes') : t('rating.no') })}
          {c.rating.comment ? ` · ${c.rating.comment}` : ''}
        </p>
      )}
      {canRate && <RatingForm caseId={c.id} />}
      {staff && c.allowed_actions.length > 0 && <CaseActions c={c} />}
      <Timeline events={res.data?.events} />
    </Page>
  );
}
