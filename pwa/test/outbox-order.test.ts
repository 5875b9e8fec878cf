// Issue 7 item 18: writes to one case keep their order, and queued actions chain versions.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { caseBody, json, mockFetch, signIn, signOut } from './helpers';
import { caseAction, getItem, rateCase, supportCase } from '../src/offline/outbox';
import { configureSync, stopSyncTriggers, syncNow, syncPaused } from '../src/offline/sync';

let clock = 1_000_000;
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

describe('writes to one case', () => {
  it('stop behind a 5xx on that case while other cases go on', async () => {
    const answers = new Map<string, Response[]>([['/api/v1/cases/c1/actions/accept', [json(503, { title: 'down' })]]]);
    const { calls } = mockFetch((c) => answers.get(c.url)?.shift() ?? json(200, caseBody(c.url.split('/')[4], { version: 9 })));
    const accept = await caseAction('c1', 'accept', { version: 3 });
    const resolve = await caseAction('c1', 'resolve', { version: 3, note: 'done' });
    const other = await supportCase('c2');

    await syncNow();
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/cases/c1/actions/accept', '/api/v1/cases/c2/support']);
    expect((await getItem(accept.id))?.state).toBe('queued');
    expect((await getItem(resolve.id))?.state).toBe('queued');
    expect((await getItem(other.id))?.state).toBe('sent');

    // Not due yet: a timer-driven run must not let the later write overtake.
    await syncNow();
    expect(calls).toHaveLength(2);

    clock += 60_000;
    await syncNow();
    expect(calls.map((c) => c.url).slice(2)).toEqual(['/api/v1/cases/c1/actions/accept', '/api/v1/cases/c1/actions/resolve']);
  });

  it('stop behind a network error on that case', async () => {
    let offline = true;
    const { calls } = mockFetch(() => (offline ? 'network-error' : json(200, caseBody('c1', { version: 4 }))));
    await caseAction('c1', 'accept', { version: 3 });
    await caseAction('c1', 'resolve', { version: 3, note: 'done' });
    await syncNow();
    expect(calls).toHaveLength(1);
    offline = false;
    await syncNow({ force: true });
    expect(calls.slice(1).map((c) => c.url)).toEqual(['/api/v1/cases/c1/actions/accept', '/api/v1/cases/c1/actions/resolve']);
  });

  it('wait behind a refused write on that case until the user fixes or discards it', async () => {
    const { calls } = mockFetch((c) =>
      c.url.endsWith('/rating') ? json(422, { status: 422, errors: { stars: ['bad'] } }) : json(200, { supporters: 2 }),
    );
    await rateCase('c1', { resolved: true, stars: 9 });
    const later = await supportCase('c1');
    await syncNow();
    expect(calls).toHaveLength(1);
    expect((await getItem(later.id))?.state).toBe('queued');
  });
});

describe('versions of queued actions', () => {
  it('send the next action on a case with the version from the answer to the previous one', async () => {
    let version = 3;
    const { calls } = mockFetch((c) => {
      const sent = (c.body as { version: number }).version;
      if (sent !== version) return json(409, { status: 409, case: caseBody('c1', { version }) });
      version += 1;
      return json(200, caseBody('c1', { version }));
    });
    // Both made offline against the cached version 3.
    const accept = await caseAction('c1', 'accept', { version: 3 });
    const resolve = await caseAction('c1', 'resolve', { version: 3, note: 'fixed' });
    await syncNow();
    expect(calls.map((c) => (c.body as { version: number }).version)).toEqual([3, 4]);
    expect((await getItem(accept.id))?.state).toBe('sent');
    expect((await getItem(resolve.id))?.state).toBe('sent');
  });

  it('keeps a version newer than the previous write (so a change by someone else still conflicts)', async () => {
    const { calls } = mockFetch(() => json(200, caseBody('c1', { version: 4 })));
    await caseAction('c1', 'accept', { version: 3 });
    await caseAction('c1', 'resolve', { version: 7, note: 'x' });
    await syncNow();
    expect(calls.map((c) => (c.body as { version: number }).version)).toEqual([3, 7]);
  });
});
