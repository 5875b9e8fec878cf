import { Fragment } from 'preact';
import { lazy } from 'preact-iso';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Case, CaseEvent, CaseSummary, CoTask } from '../../api/types';
import { fmtRelative, fmtTime, labelOf, t, tn } from '../../i18n';
import { reads, type CaseRead } from '../../offline/cache';
import { actionOf } from '../../offline/outbox';
import type { OutboxItem } from '../../offline/outbox-types';
import { ErrorText, Page, ResourceNote, StateBadge } from '../../ui/bits';
import { Photos } from '../../ui/Photos';
import { MiniMap } from '../../ui/MiniMap';
import { categoryLabel } from '../../ui/categories';
import { useOutbox } from '../../ui/useOutbox';
import { useResource, type Resource } from '../../ui/useResource';
import { currentUser } from '../auth/session';
import { CaseFlags } from './CaseRow';
import { isOverdue, OPEN_STATES } from './deadline';
import { AppealForm, RatingForm } from './Rating';
import { AddInformation, Handling, Withdraw } from './ResidentActions';
import { Timeline } from './Timeline';

const CaseActions = lazy(() => import('./CaseActions'));
const ReviewPanel = lazy(() => import('../review/ReviewPanel'));

/** Who reviews cases (the review queue, supervision notes, sign-off, send back). */
export const REVIEWER_ROLES: readonly string[] = ['party_reviewer', 'officer', 'admin'];

/** A deadline in Shanghai time; while its clock runs, how long is left or how late it is. */
function Deadline({ label, at, running, testid }: { label: string; at: string | null; running: boolean; testid: string }) {
  if (!at) return null;
  const rel = running ? fmtRelative(at) : null;
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testid} class={rel?.overdue ? 'error' : ''}>
        <time dateTime={at}>{fmtTime(at)}</time>
        {rel ? ` · ${rel.text}` : ''}
      </dd>
    </>
  );
}

/** The provider's reason, from the latest `return` event (staff see internal events). */
export function lastReturn(events: CaseEvent[] | undefined): CaseEvent | undefined {
  return events?.filter((e) => e.action === 'return').at(-1);
}

function CoTasks({ tasks }: { tasks: CoTask[] }) {
  return (
    <section aria-labelledby="cotasks-title">
      <h2 id="cotasks-title">{t('cases.coTasks')}</h2>
      <ul class="list" data-testid="case-cotasks">
        {tasks.map((task) => {
          const open = task.state === 'open' || task.state === 'accepted';
          const rel = open ? fmtRelative(task.due_at) : null;
          return (
            <li key={task.id} class="card-pad" data-testid="case-cotask" data-state={task.state}>
              <span class="row-between">
                <strong>{task.provider_name}</strong>
                <span class={`state task-${task.state}`}>{t(`task.state.${task.state}`)}</span>
              </span>
              <span class={rel?.overdue ? 'error' : 'muted'}>
                {`${t('task.due')} ${fmtTime(task.due_at)}${rel ? ` · ${rel.text}` : ''}`}
              </span>
              {task.note && <span>{task.note}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** A number to tap and call; text that is not a phone number (a unit's office hours) stays text. */
function Phone({ number, label, testid }: { number: string; label: string; testid: string }) {
  const dial = number.replace(/[\s-]/g, '');
  if (!/^\+?\d{3,20}$/.test(dial)) return <span>{number}</span>;
  return (
    <a href={`tel:${dial}`} class="tel" aria-label={`${label} ${number}`} data-testid={testid}>
      {number}
    </a>
  );
}

/** An extra question's answer in the viewer's language (yes/no, the choice's label). */
function answerText(a: Case['extra'][number]): string {
  if (typeof a.value === 'boolean') return t(a.value ? 'common.yes' : 'common.no');
  if (a.value_zh !== null) return labelOf({ label_zh: a.value_zh, label_en: a.value_en ?? a.value_zh });
  return String(a.value);
}

/** What the info list shows: a whole case, or a queue row (the rest unknown yet). */
type InfoCase = CaseSummary &
  Partial<Pick<Case, 'address' | 'provider_contact' | 'reporter' | 'extra' | 'building_name' | 'household_label' | 'lat' | 'lon' | 'location_accuracy'>>;

function Info({ c, staff }: { c: InfoCase; staff: boolean }) {
  const open = OPEN_STATES.includes(c.state);
  return (
    <dl class="info">
      <dt>{t('cases.reference')}</dt>
      <dd data-testid="case-reference">{c.reference}</dd>
      <dt>{t('cases.category')}</dt>
      <dd>{categoryLabel(c.category)}</dd>
      <dt>{t('place.where')}</dt>
      <dd data-testid="case-place">
        {[c.org_name, [c.building_name, c.household_label].filter(Boolean).join(' '), c.address].filter(Boolean).join(' · ')}
        {c.lat != null && c.lon != null && (
          <>
            <span class="muted" data-testid="case-position">
              {' · '}
              {c.location_accuracy != null ? t('place.positionWithin', { m: Math.round(c.location_accuracy) }) : t('place.positionShared')}
            </span>
            <MiniMap lat={c.lat} lon={c.lon} accuracy={c.location_accuracy} />
          </>
        )}
      </dd>
      <dt>{t('cases.escalation')}</dt>
      <dd data-testid="case-level">{t(`level.${c.escalation_level}`)}</dd>
      {c.provider_name && (
        <>
          <dt>{t('cases.provider')}</dt>
          <dd>
            {c.provider_name}
            {c.provider_contact && (
              <>
                {' · '}
                <Phone number={c.provider_contact} label={t('cases.callUnit', { name: c.provider_name })} testid="call-unit" />
              </>
            )}
          </dd>
        </>
      )}
      {c.reporter && (
        <>
          <dt>{t('cases.reporter')}</dt>
          <dd>
            {c.reporter.display_name}
            {c.reporter.phone && (
              <>
                {c.reporter.display_name ? ' · ' : ''}
                {staff ? (
                  <Phone number={c.reporter.phone} label={t('cases.callReporter', { name: c.reporter.display_name })} testid="call-reporter" />
                ) : (
                  c.reporter.phone
                )}
              </>
            )}
          </dd>
        </>
      )}
      {(c.extra ?? []).map((a) => (
        <Fragment key={a.key}>
          <dt>{labelOf(a)}</dt>
          <dd data-testid={`case-extra-${a.key}`}>{answerText(a)}</dd>
        </Fragment>
      ))}
      <dt>{t('cases.created')}</dt>
      <dd>{fmtTime(c.created_at)}</dd>
      <Deadline
        label={t('cases.deadlineAccept')}
        at={c.accept_due_at}
        running={open && !c.accepted_at}
        testid="case-accept-due"
      />
      {c.accepted_at && (
        <>
          <dt>{t('cases.acceptedAt')}</dt>
          <dd>{fmtTime(c.accepted_at)}</dd>
        </>
      )}
      <Deadline label={t('cases.deadlineResolve')} at={c.resolve_due_at} running={open} testid="case-resolve-due" />
      {c.supporters > 1 && (
        <>
          <dt>{t('cases.supportersLabel')}</dt>
          <dd>{c.supporters}</dd>
        </>
      )}
    </dl>
  );
}

/** Object URLs for photos still in the outbox (bytes on the device), revoked when they go. */
function useLocalPhotos(items: OutboxItem[]): { id: string; url: string }[] {
  const [urls, setUrls] = useState<{ id: string; url: string }[]>([]);
  const ids = items.map((i) => i.id).join(',');
  useEffect(() => {
    const made = items
      .filter((i) => i.file)
      .map((i) => ({ id: i.id, url: URL.createObjectURL(new Blob([i.file!.data], { type: i.file!.type })) }));
    setUrls(made);
    return () => made.forEach((m) => URL.revokeObjectURL(m.url));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ids]);
  return urls;
}

function PendingCase({ item, photos }: { item: OutboxItem; photos: OutboxItem[] }) {
  const b = item.body ?? {};
  const urls = useLocalPhotos(photos);
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
      {urls.length > 0 && <Photos pending photos={urls.map((p) => ({ id: p.id, src: p.url, caption: t('photo.source.reporter') }))} />}
      {item.state === 'needs_attention' && (
        <a class="btn btn-secondary" href="/outbox">
          {t('outbox.state.needs_attention')}
        </a>
      )}
    </Page>
  );
}

/** A case seen only in a list: its row at once, and what is missing said when offline. */
function SummaryOnly({ row, res, staff }: { row: CaseSummary; res: Resource<CaseRead>; staff: boolean }) {
  return (
    <Page title={row.title}>
      <div class="detail-head">
        <StateBadge state={row.state} withdrawn={!!row.withdrawn_at} />
        {row.priority === 'urgent' && <span class="state state-urgent">{t('report.urgent')}</span>}
        <CaseFlags overdue={isOverdue(row)} level={staff ? row.escalation_level : undefined} unmetNeed={row.unmet_need} />
      </div>
      {res.offline ? (
        <p class="note" role="status" data-testid="case-summary-only">
          {t('cases.summaryOnly', { time: fmtTime(res.data?.savedAt) })}
        </p>
      ) : res.error ? (
        <ErrorText error={res.error} />
      ) : (
        <p class="muted">{t('common.loading')}</p>
      )}
      <Info c={row} staff={staff} />
    </Page>
  );
}

export function CaseDetail({ id }: { id: string }) {
  const res = useResource(useMemo(() => reads.case(id), [id]));
  const outbox = useOutbox();
  const user = currentUser.value;
  const mine = outbox.filter((i) => i.caseId === id && i.state !== 'sent');
  const c = res.data?.case;

  if (!c && res.data?.summary) return <SummaryOnly row={res.data.summary} res={res} staff={!!user && user.role !== 'resident'} />;
  if (!c) {
    const pending = outbox.find((i) => i.kind === 'create_case' && i.caseId === id && i.state !== 'sent');
    if (pending) {
      const photos = outbox.filter((i) => i.kind === 'attachment' && i.dependsOn === pending.id && i.state !== 'sent');
      return <PendingCase item={pending} photos={photos} />;
    }
    return (
      <Page title={t('cases.notFound')}>
        <ResourceNote res={res} />
      </Page>
    );
  }

  const ratingPending = mine.some((i) => i.kind === 'rating');
  const canRate = c.may_rate && !ratingPending;
  const canAppeal = user?.role === 'resident' && c.allowed_actions.includes('appeal') && !mine.some((i) => i.kind === 'appeal');
  const staff = !!user && user.role !== 'resident';
  // The reporter's own case (the server sends a resident the reporter only on their own).
  const reporterHere = user?.role === 'resident' && !!c.reporter;
  const withdrawPending = mine.some((i) => i.kind === 'action' && actionOf(i) === 'withdraw');
  const returned = lastReturn(res.data?.events);
  const reviewer = !!user && REVIEWER_ROLES.includes(user.role);
  // A reviewer's "send back for rework" is the review panel's (with its confirmation).
  const otherActions = reviewer ? c.allowed_actions.filter((a) => a !== 'reopen') : c.allowed_actions;

  return (
    <Page title={c.title}>
      <div class="detail-head">
        <StateBadge state={c.state} withdrawn={!!c.withdrawn_at} />
        {c.priority === 'urgent' && <span class="state state-urgent">{t('report.urgent')}</span>}
        <CaseFlags overdue={isOverdue(c)} level={staff ? c.escalation_level : undefined} unmetNeed={c.unmet_need} />
        {mine.length > 0 && (
          <a href="/outbox" class="state state-pending" data-testid="case-pending-writes">
            {t('cases.pendingSync')} · {mine.length}
          </a>
        )}
      </div>
      <ResourceNote res={res} fetchedAt={res.data?.savedAt} />
      {staff && c.state === 'returned' && returned && (
        <p class="note note-warn" data-testid="case-return-reason">
          {`${t('cases.returnedBy', { provider: c.provider_name ?? returned.actor?.display_name ?? '' })} · `}
          {t('cases.returnReason', { reason: returned.note })}
        </p>
      )}
      {c.description === null ? (
        // The server sends a neighbour who +1'd the public view only (no household details).
        <p class="note" data-testid="case-public-view">{t('cases.publicView')}</p>
      ) : (
        <p class="description">{c.description}</p>
      )}
      {reporterHere && <Handling c={c} />}
      <Info c={c} staff={staff} />
      {c.co_tasks.length > 0 && <CoTasks tasks={c.co_tasks} />}
      {c.attachments.length > 0 && (
        <Photos photos={c.attachments.map((a) => ({ id: a.id, url: a.url, caption: t(`photo.source.${a.source}`) }))} />
      )}
      {c.rating && (
        <p class="note" data-testid="case-rating">
          {tn(staff ? 'rating.resident' : 'rating.yours', c.rating.stars, { resolved: c.rating.resolved ? t('rating.yes') : t('rating.no') })}
          {c.rating.channel === 'phone' || c.rating.channel === 'visit' ? ` · ${t(`rating.channel.${c.rating.channel}`)}` : ''}
          {c.rating.comment ? ` · ${c.rating.comment}` : ''}
        </p>
      )}
      {canRate && <RatingForm caseId={c.id} dueAt={c.rating_due_at} recorder={user?.role === 'grid_worker'} />}
      {canAppeal && <AppealForm caseId={c.id} dueAt={c.appeal_due_at} />}
      {reporterHere && OPEN_STATES.includes(c.state) && <AddInformation c={c} />}
      {reporterHere && c.allowed_actions.includes('withdraw') && <Withdraw c={c} pending={withdrawPending} />}
      {reviewer && <ReviewPanel c={c} />}
      {staff && otherActions.length > 0 && <CaseActions c={c} hide={reviewer ? ['reopen'] : undefined} />}
      <Timeline events={res.data?.events} staff={staff} />
    </Page>
  );
}
