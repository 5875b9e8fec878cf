import { useMemo, useState } from 'preact/hooks';
import { api, type Notification } from '../../api';
import { fmtTime, hasKey, t } from '../../i18n';
import { ErrorText, Page, ResourceNote } from '../../ui/bits';
import { useResource } from '../../ui/useResource';
import { inboxRead, readAll, readOne, unreadCount } from './inbox';

function str(n: Notification, key: string): string {
  const v = n.data[key];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** Headline and detail line of a notification, from its kind and `data`. */
export function describe(n: Notification): { head: string; detail: string } {
  const level = str(n, 'level');
  const levelKey = `level.${level}`;
  const head = t(`notifications.kind.${n.kind}`, {
    ref: str(n, 'reference'),
    title: str(n, 'title'),
    level: hasKey(levelKey) ? t(levelKey) : level,
  });
  const reason = str(n, 'reason');
  let detail = '';
  if (n.kind === 'escalated' && reason) {
    const key = `escalation.reason.${reason}`;
    detail = t('notifications.reason', { reason: hasKey(key) ? t(key) : reason });
  } else if (reason) detail = t('notifications.reason', { reason });
  else if (str(n, 'note')) detail = t('notifications.note', { note: str(n, 'note') });
  else if (str(n, 'due_at')) detail = t('notifications.due', { time: fmtTime(str(n, 'due_at')) });
  return { head, detail };
}

function Item({ n, onRead }: { n: Notification; onRead: () => void }) {
  const { head, detail } = describe(n);
  const unread = !n.read_at;
  const body = (
    <>
      <span class="notif-head">
        {unread && <span class="dot" aria-hidden="true" />}
        <strong>{head}</strong>
      </span>
      {detail && <span class="notif-detail">{detail}</span>}
      <time class="muted" dateTime={n.created_at}>
        {fmtTime(n.created_at)}
      </time>
    </>
  );
  const name = [unread ? t('notifications.unread') : '', head, detail].filter(Boolean).join(', ');
  return (
    <li class={`card${unread ? ' unread' : ''}`} data-testid="notification-item" data-kind={n.kind} data-unread={unread ? 'true' : 'false'}>
      {n.case_id ? (
        <a class="notif" href={`/cases/${encodeURIComponent(n.case_id)}`} aria-label={name} onClick={() => void readOne(n)}>
          {body}
        </a>
      ) : (
        <button type="button" class="notif" aria-label={name} onClick={() => void readOne(n).then(onRead)}>
          {body}
        </button>
      )}
    </li>
  );
}

export function NotificationsPage() {
  const res = useResource(useMemo(() => inboxRead(), []));
  const [more, setMore] = useState<{ items: Notification[]; cursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const page = res.data;
  const items = [...(page?.items ?? []), ...(more?.items ?? [])];
  const cursor = more ? more.cursor : (page?.next_cursor ?? null);
  const unread = unreadCount.value;

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const next = await api.notifications({ limit: 50, cursor: Number(cursor) });
      setMore({ items: [...(more?.items ?? []), ...next.items], cursor: next.next_cursor });
      setMoreError(null);
    } catch (e) {
      setMoreError(e);
    }
  };

  return (
    <Page
      title={t('notifications.title')}
      actions={
        unread > 0 ? (
          <button type="button" class="btn btn-secondary" data-testid="notifications-read-all" onClick={() => void readAll().then(res.reload)}>
            {t('notifications.markAll')}
          </button>
        ) : undefined
      }
    >
      <div data-testid="notifications" data-state={page ? 'ok' : res.loading ? 'loading' : 'error'}>
        <ResourceNote res={res} />
        {page && unread > 0 && (
          <p class="muted" data-testid="notifications-unread">
            {t('notifications.unreadCount', { n: unread })}
          </p>
        )}
        {page && items.length === 0 && <p class="muted">{t('notifications.empty')}</p>}
        <ul class="list">
          {items.map((n) => (
            <Item key={n.id} n={n} onRead={res.reload} />
          ))}
        </ul>
        {moreError ? <ErrorText error={moreError} /> : null}
        {cursor && (
          <button type="button" class="btn btn-secondary btn-block" data-testid="notifications-more" onClick={loadMore}>
            {t('common.loadMore')}
          </button>
        )}
      </div>
    </Page>
  );
}
