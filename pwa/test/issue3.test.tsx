// Deadlines, queue filters, joint-handling tasks and the inbox (issue 3 in the PWA).
import { describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { caseBody, json, mockFetch, signedInWithSync } from './helpers';
import type { Notification, NotificationPage } from '../src/api/types';
import { api } from '../src/api';
import { fmtRelative, fromShanghaiInput, setLocale, toShanghaiInput } from '../src/i18n';
import { activeDeadline, isOverdue } from '../src/features/cases/deadline';
import { queueArgs, todoStates } from '../src/features/queue/QueuePage';
import { describe as describeNotification } from '../src/features/notifications/Notifications';
import { NotificationsPage } from '../src/features/notifications/Notifications';
import { readOne, unreadCount, withLocalReads } from '../src/features/notifications/inbox';
import { listOutbox, markAllNotificationsRead, markNotificationRead, taskAction } from '../src/offline/outbox';
import { syncNow } from '../src/offline/sync';

const NOW = Date.parse('2026-11-27T04:00:00Z');
const wait = (ms = 30) => new Promise<void>((r) => setTimeout(r, ms));

signedInWithSync();

describe('deadlines', () => {
  const c = caseBody('c', {
    state: 'assigned',
    accept_due_at: '2026-11-27T06:00:00Z',
    resolve_due_at: '2026-12-03T04:00:00Z',
  });

  it('runs the accept clock until accepted, then the resolve clock, none once closed', () => {
    expect(activeDeadline(c)).toEqual({ kind: 'accept', at: '2026-11-27T06:00:00Z' });
    expect(activeDeadline({ ...c, accepted_at: '2026-11-27T05:00:00Z' })).toEqual({ kind: 'resolve', at: '2026-12-03T04:00:00Z' });
    expect(activeDeadline({ ...c, state: 'closed' })).toBeNull();
  });

  it('is overdue by the server or by the phone clock, never once resolved', () => {
    expect(isOverdue(c, NOW)).toBe(false);
    expect(isOverdue({ ...c, overdue: true }, NOW)).toBe(true);
    expect(isOverdue(c, Date.parse('2026-11-27T06:01:00Z'))).toBe(true); // offline copy ages
    expect(isOverdue({ ...c, accepted_at: '2026-11-27T05:00:00Z' }, Date.parse('2026-11-27T06:01:00Z'))).toBe(false);
    expect(isOverdue({ ...c, state: 'resolved', overdue: false }, Date.parse('2027-01-01T00:00:00Z'))).toBe(false);
  });

  it('says how long is left or how late, in zh-CN and English', () => {
    expect(fmtRelative('2026-11-27T04:30:00Z', NOW)).toEqual({ overdue: false, text: '剩余 30 分钟' });
    expect(fmtRelative('2026-11-27T09:00:00Z', NOW).text).toBe('剩余 5 小时');
    expect(fmtRelative('2026-11-24T04:00:00Z', NOW)).toEqual({ overdue: true, text: '超时 3 天' });
    setLocale('en');
    expect(fmtRelative('2026-11-27T01:00:00Z', NOW).text).toBe('overdue by 3 h');
  });

  it('reads and writes due times as Shanghai wall time', () => {
    expect(toShanghaiInput(Date.parse('2026-11-27T16:30:00Z'))).toBe('2026-11-28T00:30');
    expect(fromShanghaiInput('2026-11-28T00:30')).toBe('2026-11-27T16:30:00Z');
    expect(fromShanghaiInput('')).toBe('');
  });
});

describe('queue filters', () => {
  it('default to what waits for the role, and map to the list API', () => {
    expect(todoStates('dispatcher')).toEqual(['submitted', 'returned']);
    expect(todoStates('provider_staff')).toEqual(['assigned', 'in_progress']);
    expect(queueArgs('grid_worker', { state: 'todo', levels: [], overdue: false, unmet: false })).toEqual({
      state: ['submitted', 'returned'],
    });
    expect(queueArgs('grid_worker', { state: 'followup', levels: [], overdue: false, unmet: false })).toEqual({
      state: ['resolved'],
    });
    expect(queueArgs('officer', { state: '', levels: ['city', 'street'], overdue: true, unmet: true })).toEqual({
      escalation_level: ['street', 'city'],
      overdue: true,
      unmet_need: true,
    });
  });

  it('sends lists comma-separated and booleans as true', async () => {
    const { calls } = mockFetch(() => json(200, { items: [], next_cursor: null }));
    await api.cases({ state: ['submitted', 'returned'], escalation_level: ['street', 'district'], overdue: true });
    expect(calls[0].url).toBe('/api/v1/cases?state=submitted%2Creturned&escalation_level=street%2Cdistrict&overdue=true');
  });
});

describe('joint-handling tasks', () => {
  it('go through the outbox with an Idempotency-Key, and a return carries its reason', async () => {
    const { calls } = mockFetch(() => json(200, { id: 7, state: 'returned' }));
    await taskAction({ id: 7, case_id: 'c1' }, 'return', { reason: 'not ours' });
    await syncNow({ force: true });
    expect(calls).toHaveLength(1);
    expect(calls[0].method).toBe('POST');
    expect(calls[0].url).toBe('/api/v1/tasks/7/actions/return');
    expect(calls[0].body).toEqual({ reason: 'not ours' });
    expect(calls[0].headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await listOutbox())[0].state).toBe('sent');
  });
});

function note(id: number, kind: Notification['kind'], data: Record<string, unknown>, read = false): Notification {
  return { id, kind, case_id: 'c1', data, created_at: '2026-11-27T03:00:00Z', read_at: read ? '2026-11-27T03:30:00Z' : null, delivery_state: 'not_required' };
}

describe('notifications', () => {
  const base = { reference: 'LL-1', title: '电梯' };

  it('render every kind from its data', () => {
    expect(describeNotification(note(1, 'escalated', { ...base, level: 'street', reason: 'accept_overdue' }))).toEqual({
      head: '已升级到街道：LL-1「电梯」',
      detail: '原因：接单超时',
    });
    expect(describeNotification(note(2, 'returned', { ...base, reason: '不归我们' })).detail).toBe('原因：不归我们');
    expect(describeNotification(note(3, 'resolved', { ...base, note: '已修好' })).detail).toBe('说明：已修好');
    expect(describeNotification(note(4, 'co_task', { ...base, due_at: '2026-11-28T10:00:00+00:00' })).detail).toContain('2026/11/28 18:00');
    for (const kind of ['assigned', 'review_requested'] as const) {
      expect(describeNotification(note(5, kind, base)).head).toContain('LL-1「电梯」');
    }
    setLocale('en');
    expect(describeNotification(note(1, 'escalated', { ...base, level: 'district', reason: 'something_new' }))).toEqual({
      head: 'Escalated to District: LL-1 “电梯”',
      detail: 'Reason: something_new',
    });
  });

  it('show reads waiting in the outbox as read, and count them off', async () => {
    const page: NotificationPage = { items: [note(1, 'assigned', base), note(2, 'assigned', base), note(3, 'assigned', base, true)], next_cursor: null, unread_count: 5 };
    await markNotificationRead(2);
    const shown = withLocalReads(page, await listOutbox());
    expect(shown.items.map((n) => !!n.read_at)).toEqual([false, true, true]);
    expect(shown.unread_count).toBe(4);
    await markAllNotificationsRead();
    expect(withLocalReads(page, await listOutbox()).unread_count).toBe(0);
  });

  it('opening one marks it read through the outbox, and the inbox still opens offline', async () => {
    let online = true;
    const page: NotificationPage = { items: [note(9, 'escalated', { ...base, level: 'street', reason: 'resolve_overdue' })], next_cursor: null, unread_count: 1 };
    const { calls } = mockFetch((c) => {
      if (!online) return 'network-error';
      if (c.url.startsWith('/api/v1/notifications?')) return json(200, page);
      return json(200, { ...page.items[0], read_at: '2026-11-27T04:00:00Z' });
    });
    const root = document.createElement('div');
    await act(() => render(<NotificationsPage />, root));
    for (let i = 0; i < 50 && !root.querySelector('[data-testid=notification-item]'); i++) await act(() => wait(20));
    expect(unreadCount.value).toBe(1);
    expect(root.querySelector('[data-testid=notification-item]')?.textContent).toContain('已升级到街道');

    online = false;
    await readOne(page.items[0]);
    expect(unreadCount.value).toBe(0);
    expect((await listOutbox()).map((i) => [i.kind, i.path, i.state])).toEqual([['notification_read', '/notifications/9/read', 'queued']]);

    // Offline, a fresh mount shows the cached inbox with the read applied.
    render(null, root);
    await act(() => render(<NotificationsPage />, root));
    for (let i = 0; i < 50 && !root.querySelector('[data-testid=notification-item]'); i++) await act(() => wait(20));
    expect(root.querySelector('[data-testid=notification-item]')?.getAttribute('data-unread')).toBe('false');

    online = true;
    await syncNow({ force: true });
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/notifications/9/read' && c.headers['idempotency-key'])).toBe(true);
    render(null, root);
  });
});
