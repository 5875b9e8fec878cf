import type { CaseEvent } from '../../api/types';
import { fmtTime, hasKey, t, type MessageKey } from '../../i18n';

function actionLabel(action: string): string {
  if (hasKey(`action.${action}`)) return t(`action.${action}` as MessageKey);
  if (hasKey(`event.${action}`)) return t(`event.${action}` as MessageKey);
  if (action.startsWith('co_task_')) return `${t('event.co_task')} · ${action.slice(8)}`;
  return action;
}

/** An escalation says the rung it reached and why (a resident's reassurance that someone
 * above is watching); other events say their action. */
export function eventLabel(e: Pick<CaseEvent, 'action' | 'data'>): string {
  const data = (e.data ?? {}) as Record<string, unknown>;
  if (e.action === 'close' && data.not_rated === true) return t('timeline.closedNotRated');
  if (e.action !== 'escalate' || typeof data.to_level !== 'string') return actionLabel(e.action);
  const levelKey = `level.${data.to_level}`;
  const head = t('timeline.escalatedTo', { level: hasKey(levelKey) ? t(levelKey as MessageKey) : data.to_level });
  const reasonKey = `escalation.reason.${String(data.reason)}`;
  return hasKey(reasonKey) ? `${head} · ${t(reasonKey as MessageKey)}` : head;
}

/** Events whose audience is worth saying to staff (a supervision note may be shown to the resident). */
const AUDIENCE_SHOWN = new Set(['supervision_note']);
// Notes, sign-offs, escalations and what the reporter adds leave the state as it was: no "→ state" after them.
const KEEPS_STATE = new Set(['supervision_note', 'review', 'escalate', 'add_info', 'attach_photo']);

export function Timeline({ events, staff }: { events: CaseEvent[] | undefined; staff?: boolean }) {
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('cases.timeline')}</h2>
      {!events?.length ? (
        <p class="muted">{t('cases.noEvents')}</p>
      ) : (
        <ol class="timeline" data-testid="case-timeline">
          {events.map((e) => (
            <li key={e.id} class="timeline-item" data-testid="timeline-event" data-action={e.action}>
              <time dateTime={e.at}>{fmtTime(e.at)}</time>
              <div>
                <strong>{eventLabel(e)}</strong>
                {e.to_state && !KEEPS_STATE.has(e.action) && <span class="muted"> → {t(`state.${e.to_state}`)}</span>}
                {e.actor && <span class="muted"> · {e.actor.display_name ?? t(`role.${e.actor.role}` as MessageKey)}</span>}
                {staff && AUDIENCE_SHOWN.has(e.action) && (
                  <span class={`state ${e.public ? 'state-public' : 'state-internal'}`} data-testid="timeline-audience">
                    {t(e.public ? 'timeline.public' : 'timeline.internal')}
                  </span>
                )}
              </div>
              {e.note && <p class="timeline-note">{e.note}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
