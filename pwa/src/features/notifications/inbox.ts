// The inbox: the newest page cached for offline reading, the unread count for the nav
// badge, and reads marked through the outbox (shown as read at once, sent when online).
import { signal } from '@preact/signals';
import type { Notification, NotificationPage } from '../../api/types';
import { reads, type Read } from '../../offline/cache';
import { withDb } from '../../offline/db';
import { listOutbox, markAllNotificationsRead, markNotificationRead } from '../../offline/outbox';
import type { OutboxItem } from '../../offline/outbox-types';

export const unreadCount = signal(0);

/** Reads the server has not heard of yet, laid over a page it sent. */
export function withLocalReads(page: NotificationPage, outbox: OutboxItem[]): NotificationPage {
  const unsent = outbox.filter((i) => i.state !== 'sent');
  const all = unsent.find((i) => i.kind === 'notifications_read_all');
  const one = new Map(
    unsent
      .filter((i) => i.kind === 'notification_read')
      .map((i) => [Number(/^\/notifications\/(\d+)\//.exec(i.path)?.[1]), i] as const),
  );
  let marked = 0;
  const items = page.items.map((n): Notification => {
    const local = n.read_at ? undefined : (all ?? one.get(n.id));
    if (!local) return n;
    marked++;
    return { ...n, read_at: new Date(local.createdAt).toISOString() };
  });
  return { ...page, items, unread_count: all ? 0 : Math.max(0, page.unread_count - marked) };
}

async function overlay(page: NotificationPage | undefined): Promise<NotificationPage | undefined> {
  if (!page) return page;
  const shown = withLocalReads(page, await listOutbox());
  unreadCount.value = shown.unread_count;
  return shown;
}

/** The inbox for views: cached first, then the server's, both with local reads applied. */
export function inboxRead(): Read<NotificationPage> {
  const base = reads.notifications();
  return {
    key: base.key,
    cached: async () => overlay(await base.cached()),
    fresh: async () => (await overlay(await base.fresh()))!,
  };
}

/** Refresh the badge (and the offline copy); quiet when offline. */
export function refreshInbox(): Promise<void> {
  return inboxRead()
    .fresh()
    .then(
      () => undefined,
      async () => void (await inboxRead().cached().catch(() => undefined)),
    );
}

async function patchCache(fn: (p: NotificationPage) => NotificationPage): Promise<void> {
  await withDb(async (db) => {
    const entry = await db.get('ref', 'notifications');
    if (entry) await db.put('ref', { ...entry, value: fn(entry.value as NotificationPage) });
  });
}

export async function readOne(n: Notification): Promise<void> {
  if (n.read_at) return;
  await markNotificationRead(n.id);
  unreadCount.value = Math.max(0, unreadCount.value - 1);
  const now = new Date().toISOString();
  await patchCache((p) => ({
    ...p,
    unread_count: Math.max(0, p.unread_count - 1),
    items: p.items.map((i) => (i.id === n.id ? { ...i, read_at: now } : i)),
  }));
}

export async function readAll(): Promise<void> {
  await markAllNotificationsRead();
  unreadCount.value = 0;
  const now = new Date().toISOString();
  await patchCache((p) => ({ ...p, unread_count: 0, items: p.items.map((i) => (i.read_at ? i : { ...i, read_at: now })) }));
}

const POLL_MS = 60_000;
/** Keep the badge current: now, every minute while visible, and on return to the app. */
export function startInboxPolling(): () => void {
  void refreshInbox();
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void refreshInbox();
  }, POLL_MS);
  const visible = () => {
    if (document.visibilityState === 'visible') void refreshInbox();
  };
  document.addEventListener('visibilitychange', visible);
  return () => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', visible);
    unreadCount.value = 0; // the next user must not see this one's count
  };
}
