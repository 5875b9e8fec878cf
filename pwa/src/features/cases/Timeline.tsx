import type { CaseEvent } from '../../api/types';
import { fmtTime, hasKey, t, type MessageKey } from '../../i18n';

function actionLabel(action: string): string {
  if (hasKey(`action.${action}`)) return t(`action.${action}` as MessageKey);
  if (hasKey(`event.${action}`)) return t(`event.${action}` as MessageKey);
  if (action.startsWith('co_task_')) return `${t('event.co_task')} · ${action.slice(8)}`;
  return action;
}

export function Timeline({ events }: { events: CaseEvent[] | undefined }) {
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
                {e.to_state && <span class="muted"> → {t(`state.${e.to_state}`)}</span>}
                {e.actor && <span class="muted"> · {e.actor.display_name}</span>}
              </div>
              {e.note && <p class="timeline-note">{e.note}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
