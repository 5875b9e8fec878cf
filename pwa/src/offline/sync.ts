// Drains the outbox: one tab at a time (navigator.locks), oldest first, each
// write on its own so one refusal never blocks other cases. Writes to one case keep
// their order: a case's later writes wait while an earlier one waits, and queued
// actions take the version the server gave the write before them.
//   2xx                        → sent
//   network error, 408, 429, 5xx, 409 while the first copy is in flight → queued, backoff
//   401 (after one refresh)    → queued, queue paused until the user signs in again
//   other 4xx                  → needs_attention, with the server's problem details
import { signal } from '@preact/signals';
import { ApiError, NetworkError } from '../api/errors';
import type { Case } from '../api/types';
import { currentDbName, withDb } from './db';
import { getItem, listOutbox, onEnqueue, pruneSent, putItem, refreshOutboxSignals } from './outbox';
import type { OutboxItem } from './outbox-types';
import { sendWrite } from './transport';
import { putCase, getCase } from './cache';

export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 15 * 60_000;

/** Delay before retry number `attempts` (1-based): 5 s doubling to 15 min, ±20% jitter. */
export function backoffDelay(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function isTransient(e: unknown): boolean {
  if (!(e instanceof ApiError)) return true; // network failure or anything unexpected: try again later
  const s = e.status;
  if (s === 408 || s === 429 || s >= 500) return true;
  // 409 with the current case = stale version (the user must look); without = replay in flight.
  if (s === 409 && !e.problem.case) return true;
  return false;
}

export interface SyncDeps {
  send: (item: OutboxItem) => Promise<unknown>;
  now: () => number;
  random: () => number;
  locks: () => LockManager | undefined;
}

const defaults: SyncDeps = {
  send: sendWrite,
  now: () => Date.now(),
  random: Math.random,
  locks: () => (typeof navigator !== 'undefined' ? navigator.locks : undefined),
};
let deps: SyncDeps = { ...defaults };

/** For tests: swap the clock, randomness, sender or lock manager. */
export function configureSync(d: Partial<SyncDeps>): void {
  deps = { ...defaults, ...d };
}

export const syncPaused = signal(false);
export const syncing = signal(false);
export const lastSyncAt = signal<number | null>(null);
/** Bumped whenever a write reached the server: views refetch what they show. */
export const sentRevision = signal(0);

export type SyncResult = 'done' | 'busy' | 'paused' | 'no-user' | 'error';

/** The user signed out (or another signed in) while a drain was running: stop touching the outbox. */
class UserChanged extends Error {}

let inTab = false;
let again: { force: boolean } | null = null;

/** Send what is due (everything when `force`). Safe to call from anywhere, any time. */
export async function syncNow(opts: { force?: boolean } = {}): Promise<SyncResult> {
  const name = currentDbName();
  if (!name) return 'no-user';
  if (syncPaused.value) return 'paused';
  if (inTab) {
    // Asked while draining (a new write): run once more afterwards.
    again = { force: !!opts.force || !!again?.force };
    return 'busy';
  }
  inTab = true;
  try {
    const locks = deps.locks();
    if (!locks) return await drain(name, !!opts.force);
    // ifAvailable: if another tab is syncing this user's outbox, let it.
    return await locks.request(`linli-sync:${name}`, { ifAvailable: true }, async (lock) =>
      lock ? drain(name, !!opts.force) : ('busy' as const),
    );
  } catch (e) {
    if (e instanceof UserChanged || currentDbName() !== name) return 'no-user';
    // Callers fire and forget; the outbox keeps every write, the next trigger tries again.
    console.warn('sync failed', e);
    return 'error';
  } finally {
    inTab = false;
    const rerun = again;
    again = null;
    if (rerun) void syncNow(rerun);
    else scheduleTimer();
  }
}

async function drain(name: string, force: boolean): Promise<SyncResult> {
  syncing.value = true;
  const guard = () => {
    if (currentDbName() !== name) throw new UserChanged();
  };
  try {
    await pruneSent(deps.now());
    const items = await listOutbox();
    const byId = new Map(items.map((i) => [i.id, i]));
    // Writes to one case go in the order they were made: once one of them waits (not due,
    // failed for now, refused, or waiting for its report), the later ones on that case wait too.
    const heldCases = new Set<string>();
    const hold = (i: OutboxItem) => {
      if (i.caseId) heldCases.add(i.caseId);
    };
    for (const listed of items) {
      if (listed.state === 'sent') continue;
      if (listed.caseId && heldCases.has(listed.caseId)) continue;
      // Re-read: an earlier send may have chained this write's version, or the user discarded it.
      const item = await getItem(listed.id);
      if (!item || item.state === 'sent') continue;
      // 'sending' left over from a closed tab is sent again under the same key.
      if (item.state !== 'queued' && item.state !== 'sending') {
        hold(item);
        continue;
      }
      if (!force && item.nextAttemptAt > deps.now()) {
        hold(item);
        continue;
      }
      if (item.dependsOn) {
        const dep = byId.get(item.dependsOn);
        if (dep && dep.state !== 'sent') {
          hold(item);
          continue;
        }
      }
      guard();
      const outcome = await sendOne(item, guard);
      byId.set(item.id, outcome.item);
      if (outcome.item.state !== 'sent') hold(outcome.item);
      if (outcome.stop) break;
    }
    lastSyncAt.value = deps.now();
    return syncPaused.value ? 'paused' : 'done';
  } finally {
    syncing.value = false;
    if (currentDbName() === name) await refreshOutboxSignals().catch(() => undefined);
  }
}

async function sendOne(item: OutboxItem, guard: () => void): Promise<{ item: OutboxItem; stop: boolean }> {
  const sending: OutboxItem = { ...item, state: 'sending', updatedAt: deps.now() };
  await putItem(sending);
  guard(); // tokens are read as the request starts: they must be this user's
  // The version this write was made against: what later writes on the case were made against too.
  const base = await baseVersion(item);
  let response: unknown;
  try {
    response = await deps.send(sending);
  } catch (e) {
    guard();
    return failed(item, sending, e);
  }
  guard();
  const sent: OutboxItem = {
    ...sending,
    state: 'sent',
    sentAt: deps.now(),
    updatedAt: deps.now(),
    response,
    problem: undefined,
    lastStatus: undefined,
  };
  await putItem(sent);
  if (looksLikeCase(response) && item.caseId) await chainVersions(item, base, response.version);
  await applyResponse(sent, response).catch(() => undefined);
  sentRevision.value++;
  return { item: sent, stop: false };
}

async function baseVersion(item: OutboxItem): Promise<number | undefined> {
  const v = item.body?.version;
  if (typeof v === 'number') return v;
  if (!item.caseId) return undefined;
  return (await getCase(item.caseId).catch(() => undefined))?.case.version;
}

/**
 * Two actions queued offline on one case both carry the version the user saw. Once the
 * first is accepted, the next ones were made on top of it: they go with the server's new
 * version. A later write made against a newer version than `base` (the user saw something
 * fresher) keeps its own, so someone else's change still gets a 409.
 */
async function chainVersions(item: OutboxItem, base: number | undefined, next: number): Promise<void> {
  if (base === undefined) return;
  for (const later of await listOutbox()) {
    if (later.id === item.id || later.caseId !== item.caseId || later.createdAt < item.createdAt) continue;
    if (later.state !== 'queued' || later.kind !== 'action') continue;
    const v = later.body?.version;
    if (typeof v === 'number' && v <= base && v < next) {
      await putItem({ ...later, body: { ...later.body, version: next }, updatedAt: deps.now() });
    }
  }
}

/** Sort a failure into retry-later, pause-for-login or needs-the-user. */
async function failed(item: OutboxItem, sending: OutboxItem, e: unknown): Promise<{ item: OutboxItem; stop: boolean }> {
  if (e instanceof ApiError && e.status === 401) {
    // The client already tried one refresh. Keep the write; wait for a new login.
    const back = { ...sending, state: 'queued' as const, lastStatus: 401, updatedAt: deps.now() };
    await putItem(back);
    syncPaused.value = true;
    return { item: back, stop: true };
  }
  if (isTransient(e)) {
    const attempts = item.attempts + 1;
    const retryAfter = e instanceof ApiError ? (e.retryAfterMs ?? 0) : 0;
    const delay = Math.max(backoffDelay(attempts, deps.random), retryAfter);
    const back: OutboxItem = {
      ...sending,
      state: 'queued',
      attempts,
      nextAttemptAt: deps.now() + delay,
      updatedAt: deps.now(),
      lastStatus: e instanceof ApiError ? e.status : 0,
    };
    await putItem(back);
    // Offline: the other writes would fail the same way; leave their schedule alone.
    return { item: back, stop: e instanceof NetworkError };
  }
  const err = e as ApiError;
  const refused: OutboxItem = {
    ...sending,
    state: 'needs_attention',
    attempts: item.attempts + 1,
    updatedAt: deps.now(),
    lastStatus: err.status,
    problem: err.problem,
  };
  await putItem(refused);
  return { item: refused, stop: false };
}

function looksLikeCase(x: unknown): x is Case {
  return !!x && typeof x === 'object' && 'id' in x && 'state' in x && 'version' in x;
}

/** Keep the offline copy of a case in step with what the server answered. */
async function applyResponse(item: OutboxItem, response: unknown): Promise<void> {
  if (looksLikeCase(response)) {
    await putCase(response);
    if (item.kind === 'create_case') {
      // Show the new report at the top of "my cases" even before the list is refetched.
      await withDb(async (db) => {
        const key = 'cases:' + JSON.stringify({ mine: true });
        const list = await db.get('lists', key);
        if (list?.rows && !list.rows.some((r) => r.id === response.id)) await db.put('lists', { ...list, rows: [response, ...list.rows] });
      });
    }
  } else if (item.kind === 'support' && item.caseId && response && typeof response === 'object') {
    const cached = await getCase(item.caseId);
    const supporters = (response as { supporters?: number }).supporters;
    if (cached && typeof supporters === 'number') await putCase({ ...cached.case, supporters });
  }
}

// --- Triggers -------------------------------------------------------------------

let timer: ReturnType<typeof setTimeout> | null = null;

/** Wake up when the earliest queued write is due. */
export function scheduleTimer(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  if (!currentDbName() || syncPaused.value) return;
  void listOutbox()
    .then((items) => {
      const due = items.filter((i) => i.state === 'queued').map((i) => i.nextAttemptAt);
      if (!due.length) return;
      const wait = Math.max(1_000, Math.min(...due) - deps.now());
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void syncNow(), Math.min(wait, BACKOFF_MAX_MS));
    })
    .catch(() => undefined);
}

let stopTriggers: (() => void) | null = null;

/** Sync on start, on `online`, on return to the foreground, after each new write, on the timer. */
export function startSyncTriggers(): void {
  stopSyncTriggers();
  const online = () => void syncNow({ force: true });
  const visible = () => {
    if (document.visibilityState === 'visible') void syncNow({ force: true });
  };
  const offEnqueue = onEnqueue(() => void syncNow());
  const onSwMessage = (e: MessageEvent) => {
    if (e.data?.type === 'LINLI_SYNC') void syncNow({ force: true });
  };
  window.addEventListener('online', online);
  document.addEventListener('visibilitychange', visible);
  navigator.serviceWorker?.addEventListener('message', onSwMessage);
  stopTriggers = () => {
    window.removeEventListener('online', online);
    document.removeEventListener('visibilitychange', visible);
    navigator.serviceWorker?.removeEventListener('message', onSwMessage);
    offEnqueue();
  };
  void syncNow({ force: true });
}

export function stopSyncTriggers(): void {
  stopTriggers?.();
  stopTriggers = null;
  if (timer) clearTimeout(timer);
  timer = null;
}

/** After a new login: unpause and send what waited. */
export function resumeSync(): Promise<SyncResult> {
  syncPaused.value = false;
  return syncNow({ force: true });
}
