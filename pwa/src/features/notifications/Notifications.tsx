import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, NetworkError, type Notification } from '../../api';
import { fmtTime, t } from '../../i18n';
import { ErrorText, Page } from '../../ui/bits';

type State =
  | { kind: 'loading' }
  | { kind: 'ok'; items: Notification[] }
  | { kind: 'unavailable' }
  | { kind: 'offline' }
  | { kind: 'error'; error: unknown };

export function NotificationsPage() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    api.notifications().then(
      (r) => setState({ kind: 'ok', items: Array.isArray(r) ? r : (r?.items ?? []) }),
      (e) => {
        // The endpoint arrives later: a 404 (or 405/501) is "not yet", not an error.
        if (e instanceof ApiError && [404, 405, 501].includes(e.status)) setState({ kind: 'unavailable' });
        else if (e instanceof NetworkError) setState({ kind: 'offline' });
        else setState({ kind: 'error', error: e });
      },
    );
  }, []);

  return (
    <Page title={t('notifications.title')}>
      <div data-testid="notifications" data-state={state.kind}>
        {state.kind === 'loading' && <p class="muted">{t('common.loading')}</p>}
        {state.kind === 'unavailable' && <p class="note">{t('notifications.unavailable')}</p>}
        {state.kind === 'offline' && <p class="note">{t('common.nothingCached')}</p>}
        {state.kind === 'error' && <ErrorText error={state.error} />}
        {state.kind === 'ok' && state.items.length === 0 && <p class="muted">{t('notifications.empty')}</p>}
        {state.kind === 'ok' && state.items.length > 0 && (
          <ul class="list">
            {state.items.map((n) => (
              <li key={n.id} class={`card card-pad${n.read_at ? '' : ' unread'}`} data-testid="notification-item">
                <strong>{n.title}</strong>
                {n.body && <p>{n.body}</p>}
                <span class="muted">{fmtTime(n.created_at)}</span>
                {n.case_id && <a href={`/cases/${encodeURIComponent(n.case_id)}`}>{t('cases.open', { ref: '' }).trim()}</a>}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Page>
  );
}
