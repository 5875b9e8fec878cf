import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { caseBody, json, mockFetch, signIn, signOut } from './helpers';
import {
  caseAction,
  discardItem,
  getItem,
  listOutbox,
  outboxCounts,
  rateCase,
  recordVisit,
  reportCase,
  retryItem,
  supportCase,
  putItem,
} from '../src/offline/outbox';
import {
  BACKOFF_MAX_MS,
  backoffDelay,
  configureSync,
  resumeSync,
  stopSyncTriggers,
  syncNow,
  syncPaused,
} from '../src/offline/sync';
import { onAuthLost } from '../src/api/client';
import { getSession } from '../src/api/tokens';
import { getCase } from '../src/offline/cache';

let clock = 1_000_000;
const report = { category: 'facility', title: 'Lift broken', description: 'Building 3', org_id: 10 };
const photo = () => ({ name: 'p.jpg', type: 'image/jpeg', data: new Uint8Array([1, 2, 3]).buffer });

beforeEach(() => {
  clock = 1_000_000;
  syncPaused.value = false;
  configureSync({ now: () => clock, random: () => 0.5, locks: () => undefined });
  signIn();
});
afterEach(() => {
  stopSyncTriggers();
  signOut();
  vi.unstubAllGlobals();
});

describe('backoff schedule', () => {
  it('doubles from 5 s and stops at 15 min', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, mid))).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000,
    ]);
    expect(backoffDelay(9, mid)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(50, mid)).toBe(BACKOFF_MAX_MS);
  });
  it('jitters within ±20%', () => {
    expect(backoffDelay(1, () => 0)).toBe(4_000);
    expect(backoffDelay(1, () => 1)).toBe(6_000);
  });
});

describe('outbox state transitions', () => {
  it('queues a report, then sends it with key = case id and marks it sent', async () => {
    const { calls } = mockFetch((c) => json(201, caseBody((c.body as { id: string }).id)));
    const item = await reportCase(report);
    expect(item.state).toBe('queued');
    expect(item.key).toBe(item.id);
    expect(item.body?.id).toBe(item.id);
    expect(outboxCounts.value.pending).toBe(1);

    expect(await syncNow()).toBe('done');

    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/v1/cases');
    expect(calls[0].headers['idempotency-key']).toBe(item.id);
    expect(calls[0].headers.authorization).toBe('Bearer access-1');
    expect((calls[0].body as { id: string }).id).toBe(item.id);
    expect((await getItem(item.id))?.state).toBe('sent');
    expect(outboxCounts.value.pending).toBe(0);
    // The answer is cached for offline reading.
    expect((await getCase(item.id))?.case.id).toBe(item.id);
  });

  it('marks an item sending while its request is in flight', async () => {
    let seen: string | undefined;
    let id = '';
    mockFetch(async () => {
      seen = (await getItem(id))?.state;
      return json(201, { id: 'v', household_id: 1, visited_at: 'x', note: null, worker_id: 1 });
    });
    id = (await recordVisit({ household_id: 1, visited_at: '2026-11-27T03:00:00Z' })).id;
    await syncNow();
    expect(seen).toBe('sending');
  });

  it('never stores the token in the outbox', async () => {
    await reportCase(report, [photo()]);
    const items = await listOutbox();
    expect(JSON.stringify(items.map(({ file: _f, ...rest }) => rest))).not.toContain('access-1');
  });
});

describe('failures', () => {
  it('keeps a write queued on a network error, with backoff, and reuses its key', async () => {
    let fail = true;
    const { calls } = mockFetch((c) => (fail ? 'network-error' : json(201, caseBody((c.body as { id: string }).id))));
    const item = await reportCase(report);

    await syncNow();
    let stored = await getItem(item.id);
    expect(stored?.state).toBe('queued');
    expect(stored?.attempts).toBe(1);
    expect(stored?.nextAttemptAt).toBe(clock + 5_000);

    // Not due yet: a timer-driven sync leaves it alone.
    await syncNow();
    expect(calls).toHaveLength(1);

    clock += 5_000;
    await syncNow();
    stored = await getItem(item.id);
    expect(stored?.attempts).toBe(2);
    expect(stored?.nextAttemptAt).toBe(clock + 10_000);

    fail = false;
    await syncNow({ force: true });
    expect((await getItem(item.id))?.state).toBe('sent');
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.headers['idempotency-key']))).toEqual(new Set([item.id]));
  });

  it('keeps a write queued on 5xx and honours Retry-After on 429', async () => {
    const answers = [json(503, { title: 'down' }), json(429, { title: 'slow down' }, { 'Retry-After': '120' })];
    mockFetch(() => answers.shift()!);
    const a = await supportCase('c1');
    const b = await supportCase('c2');
    await syncNow();
    const sa = await getItem(a.id);
    const sb = await getItem(b.id);
    expect(sa?.state).toBe('queued');
    expect(sa?.lastStatus).toBe(503);
    expect(sa?.nextAttemptAt).toBe(clock + 5_000);
    expect(sb?.state).toBe('queued');
    expect(sb?.nextAttemptAt).toBe(clock + 120_000);
  });

  it('moves a refused write (422) to needs_attention with the problem, and sends the rest', async () => {
    const { calls } = mockFetch((c) =>
      c.url.endsWith('/rating')
        ? json(422, { title: 'Unprocessable', status: 422, detail: 'bad rating', errors: { stars: ['must be 1-5'] } })
        : json(200, { supporters: 3 }),
    );
    const bad = await rateCase('c1', { resolved: true, stars: 9 });
    const good = await supportCase('c2');
    await syncNow();

    const b = await getItem(bad.id);
    expect(b?.state).toBe('needs_attention');
    expect(b?.problem?.detail).toBe('bad rating');
    expect(b?.problem?.errors?.stars).toEqual(['must be 1-5']);
    expect((await getItem(good.id))?.state).toBe('sent');
    expect(outboxCounts.value).toEqual({ pending: 1, attention: 1 });

    // Refused writes are not retried behind the user's back.
    await syncNow({ force: true });
    expect(calls).toHaveLength(2);
  });

  it('treats 409 with the current case as needing attention, 409 without as in flight', async () => {
    const answers = [
      json(409, { title: 'Conflict', status: 409, case: caseBody('c1', { state: 'in_progress', version: 4 }) }),
      json(409, { title: 'In flight', status: 409 }),
    ];
    mockFetch(() => answers.shift()!);
    const stale = await caseAction('c1', 'accept', { version: 2 });
    const replay = await supportCase('c2');
    await syncNow();
    expect((await getItem(stale.id))?.state).toBe('needs_attention');
    expect((await getItem(replay.id))?.state).toBe('queued');

    // Retrying a stale action uses the current version and a fresh key.
    const { calls } = mockFetch(() => json(200, caseBody('c1', { version: 5 })));
    const retried = await retryItem(stale.id);
    expect(retried?.body?.version).toBe(4);
    expect(retried?.key).not.toBe(stale.key);
    await syncNow({ force: true });
    const call = calls.find((c) => c.url.includes('/actions/accept'))!;
    expect(call.headers['idempotency-key']).toBe(retried?.key);
  });

  it('resends a write left "sending" by a closed tab under the same key', async () => {
    const item = await supportCase('c1');
    await putItem({ ...item, state: 'sending' });
    const { calls } = mockFetch(() => json(200, { supporters: 1 }));
    await syncNow();
    expect(calls[0].headers['idempotency-key']).toBe(item.key);
    expect((await getItem(item.id))?.state).toBe('sent');
  });
});

describe('401', () => {
  it('refreshes once and retries with the new token', async () => {
    const { calls } = mockFetch((c) => {
      if (c.url.endsWith('/auth/refresh')) return json(200, { access_token: 'access-2', refresh_token: 'refresh-2' });
      return c.headers.authorization === 'Bearer access-2' ? json(200, { supporters: 1 }) : json(401, { title: 'expired' });
    });
    const item = await supportCase('c1');
    await syncNow();
    expect((await getItem(item.id))?.state).toBe('sent');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/cases/c1/support', '/api/v1/auth/refresh', '/api/v1/cases/c1/support']);
    expect(calls[1].headers.authorization).toBe('Bearer refresh-1');
    expect(getSession()?.refresh_token).toBe('refresh-2');
    expect(calls[0].headers['idempotency-key']).toBe(calls[2].headers['idempotency-key']);
  });

  it('pauses the queue without losing anything when refresh fails, and resumes after login', async () => {
    let loggedIn = false;
    const { calls } = mockFetch((c) => {
      if (c.url.endsWith('/auth/refresh')) return json(401, { title: 'revoked' });
      return loggedIn ? json(200, { supporters: 1 }) : json(401, { title: 'expired' });
    });
    const lost = vi.fn();
    const off = onAuthLost(lost);
    const a = await supportCase('c1');
    const b = await supportCase('c2');

    expect(await syncNow()).toBe('paused');
    expect(lost).toHaveBeenCalledTimes(1);
    expect(syncPaused.value).toBe(true);
    expect((await getItem(a.id))?.state).toBe('queued');
    expect((await getItem(a.id))?.attempts).toBe(0);
    expect((await getItem(b.id))?.state).toBe('queued');
    // Nothing after the 401 was tried.
    expect(calls.filter((c) => c.url.includes('/c2/'))).toHaveLength(0);
    expect(await syncNow({ force: true })).toBe('paused');

    loggedIn = true;
    expect(await resumeSync()).toBe('done');
    expect((await getItem(a.id))?.state).toBe('sent');
    expect((await getItem(b.id))?.state).toBe('sent');
    off();
  });
});

describe('dependencies and fixing', () => {
  it('sends photos only after their new case, and holds them while the case needs attention', async () => {
    let refuse = true;
    const { calls } = mockFetch((c) => {
      if (c.url === '/api/v1/cases') {
        return refuse
          ? json(422, { title: 'Invalid', detail: 'title too short', errors: { title: ['too short'] } })
          : json(201, caseBody((c.body as { id: string }).id));
      }
      return json(201, { id: 1, content_type: 'image/jpeg', size: 3, url: '/x' });
    });
    const item = await reportCase(report, [photo(), photo()]);
    await syncNow({ force: true });
    const items = await listOutbox();
    expect(items.map((i) => i.state)).toEqual(['needs_attention', 'queued', 'queued']);
    expect(calls).toHaveLength(1);

    refuse = false;
    const fixed = await retryItem(item.id, { title: 'Lift in building 3 is broken' });
    expect(fixed?.key).not.toBe(item.key);
    expect(fixed?.body?.id).toBe(fixed?.key);
    await syncNow({ force: true });
    expect((await listOutbox()).map((i) => i.state)).toEqual(['sent', 'sent', 'sent']);
    expect((calls[1].body as { title: string }).title).toBe('Lift in building 3 is broken');
    expect(calls[2].url).toBe(`/api/v1/cases/${fixed?.key}/attachments`);
    expect(calls[2].headers['idempotency-key']).toBeTruthy();
  });

  it('discarding a report discards its photos', async () => {
    const item = await reportCase(report, [photo()]);
    await discardItem(item.id);
    expect(await listOutbox()).toEqual([]);
    expect(outboxCounts.value.pending).toBe(0);
  });
});

describe('shared phone', () => {
  it("stops a running sync when the user changes, without touching the next user's outbox", async () => {
    const a = signIn();
    const first = await supportCase('c1');
    await supportCase('c2');
    let b: string | number = '';
    const { calls } = mockFetch(() => {
      b = signIn(undefined, 'access-of-b'); // someone else signs in while the request is in flight
      return json(200, { supporters: 1 });
    });
    expect(await syncNow()).toBe('no-user');
    expect(calls).toHaveLength(1);
    expect(calls[0].headers.authorization).toBe('Bearer access-1');
    expect(await listOutbox()).toEqual([]); // b's outbox
    signIn(a);
    const left = await listOutbox();
    // a's first write is resent under the same key next time; nothing was lost.
    expect(left.map((i) => i.state)).toEqual(['sending', 'queued']);
    expect(left[0].key).toBe(first.key);
    expect(b).not.toBe(a);
  });
});

describe('one tab at a time', () => {
  it('uses navigator.locks and does nothing when another tab holds the lock', async () => {
    const { calls } = mockFetch(() => json(200, { supporters: 1 }));
    const request = vi.fn(async (_name: string, _opts: LockOptions, cb: (l: Lock | null) => Promise<unknown>) => cb(null));
    configureSync({ now: () => clock, random: () => 0.5, locks: () => ({ request }) as unknown as LockManager });
    const item = await supportCase('c1');
    expect(await syncNow()).toBe('busy');
    expect(request).toHaveBeenCalled();
    expect(request.mock.calls[0][0]).toMatch(/^linli-sync:linli-/);
    expect(request.mock.calls[0][1]).toEqual({ ifAvailable: true });
    expect(calls).toHaveLength(0);
    expect((await getItem(item.id))?.state).toBe('queued');
  });

  it('sends when the lock is granted', async () => {
    mockFetch(() => json(200, { supporters: 1 }));
    const request = vi.fn(async (name: string, _o: LockOptions, cb: (l: Lock | null) => Promise<unknown>) =>
      cb({ name, mode: 'exclusive' } as Lock),
    );
    configureSync({ now: () => clock, random: () => 0.5, locks: () => ({ request }) as unknown as LockManager });
    const item = await supportCase('c1');
    expect(await syncNow()).toBe('done');
    expect((await getItem(item.id))?.state).toBe('sent');
  });
});
