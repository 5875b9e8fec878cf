import type { CaseEvent } from '../../api/types';
import { fmtTime, hasKey, t, type MessageKey } from '../../i18n';

function actionLabel(action: string): string {
  if (hasKey(`action.${action}`)) return t(`action.${action}` as MessageKey);
  if (hasKey(`event.${action}`)) return t(`event.${action}` as MessageKey);
  if (action.startsWith('co_task_')) return `${t('event.co_task')} · ${action.slice(8)}`;
  return action;
}

/** Events whose audience is worth saying to staff (a supervision note may be shown to the resident). */
const AUDIENCE_SHOWN = new Set(['supervision_note']);
// Notes and sign-offs leave the state as it was: no "→ state" after them.

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
                <strong>{actionLabel(e.action)}</strong>
                {e.to_state && !AUDIENCE_SHOWN.has(e.action) && e.action !== 'review' && <span class="muted"> → {t(`state.${e.to_state}`)}</span>}
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
