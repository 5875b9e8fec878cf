// Issue 7 item 16: residents' data leaves the phone on sign-out and with age; unsent writes stay.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { caseBody, json, mockFetch, uniqueId, user } from './helpers';
import { signedIn, signOut } from '../src/features/auth/session';
import { currentDbName, selectUserDb, withDb } from '../src/offline/db';
import { getCase, putCase, reads } from '../src/offline/cache';
import { caseAction, listOutbox, putItem, supportCase } from '../src/offline/outbox';
import { evictStale, MAX_CACHE_AGE_MS } from '../src/offline/privacy';
import { configureSync, stopSyncTriggers, syncPaused } from '../src/offline/sync';

const DAY = 24 * 3600 * 1000;
const withReporter = (id: string) =>
  caseBody(id, { reporter: { id: 7, display_name: '王阿姨', phone: '13800138000' } as never });

async function databases(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '');
}

let uid = 0;
beforeEach(async () => {
  syncPaused.value = false;
  configureSync({ locks: () => undefined, random: () => 0.5 });
  uid = uniqueId();
});
afterEach(() => {
  stopSyncTriggers();
  vi.unstubAllGlobals();
});

async function signInOnline(offline = false) {
  mockFetch((c) => {
    if (offline && !c.url.endsWith('/auth/logout')) return 'network-error';
    if (c.url.startsWith('/api/v1/cases?')) return json(200, { items: [withReporter('c1')], next_cursor: null });
    if (c.url.endsWith('/auth/logout')) return json(204, null);
    return json(200, []);
  });
  await signedIn({ access_token: 'a', refresh_token: 'r', user: user(uid) });
}

describe('sign-out', () => {
  it('deletes the whole database when nothing is unsent', async () => {
    await signInOnline();
    await reads.cases({ mine: true }).fresh();
    expect(await databases()).toContain(`linli-${uid}`);
    await signOut();
    expect(currentDbName()).toBeNull();
    expect(await databases()).not.toContain(`linli-${uid}`);
  });

  it('keeps only the unsent writes, without the server data they carried', async () => {
    await signInOnline(true);
    stopSyncTriggers(); // the writes below stay as put
    await putCase(withReporter('c1'));
    const queued = await caseAction('c1', 'accept', { version: 1 });
    const refused = await supportCase('c2');
    await putItem({ ...refused, state: 'needs_attention', lastStatus: 409, problem: { status: 409, case: withReporter('c2') } });
    const receipt = await supportCase('c3');
    await putItem({ ...receipt, state: 'sent', sentAt: Date.now(), response: withReporter('c3') });
    await signOut();

    selectUserDb(uid);
    const left = await listOutbox();
    expect(left.map((i) => i.id).sort()).toEqual([queued.id, refused.id].sort());
    expect(JSON.stringify(left)).not.toContain('13800138000');
    expect(JSON.stringify(left)).not.toContain('王阿姨');
    expect(left.find((i) => i.id === refused.id)?.problem?.case?.version).toBe(1); // enough to retry
    expect(await getCase('c1')).toBeUndefined();
    expect(await withDb((db) => db.count('lists'))).toBe(0);
    expect(await withDb((db) => db.count('ref'))).toBe(0);
  });
});

describe('age', () => {
  it('evicts cases, lists and reads not fetched for 14 days, except reference data and cases with unsent writes', async () => {
    selectUserDb(uid);
    const now = Date.now();
    const old = now - MAX_CACHE_AGE_MS - DAY;
    await withDb(async (db) => {
      await db.put('cases', { id: 'old', case: withReporter('old'), fetchedAt: old });
      await db.put('cases', { id: 'pending', case: withReporter('pending'), fetchedAt: old });
      await db.put('cases', { id: 'new', case: withReporter('new'), fetchedAt: now - DAY });
      await db.put('lists', { key: 'cases:{}', rows: [withReporter('old')], next_cursor: null, fetchedAt: old });
      await db.put('ref', { key: 'tasks:{}', value: [], fetchedAt: old });
      await db.put('ref', { key: 'orgs', value: [], fetchedAt: old });
      await db.put('ref', { key: 'buildings:5', value: [], fetchedAt: old });
    });
    await caseAction('pending', 'accept', { version: 1 });

    expect(await evictStale(now)).toBe(3);
    const left = await withDb(async (db) => ({
      cases: (await db.getAllKeys('cases')).sort(),
      lists: await db.getAllKeys('lists'),
      ref: (await db.getAllKeys('ref')).sort(),
    }));
    expect(left).toEqual({ cases: ['new', 'pending'], lists: [], ref: ['buildings:5', 'orgs'] });
  });

  it('runs when a user signs in', async () => {
    selectUserDb(uid);
    await withDb((db) => db.put('cases', { id: 'old', case: withReporter('old'), fetchedAt: Date.now() - 30 * DAY }));
    await signInOnline(true);
    await vi.waitFor(async () => expect(await getCase('old')).toBeUndefined());
    await signOut();
  });
});
