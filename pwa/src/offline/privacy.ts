// What the phone keeps of other people's data: residents' names, phones and addresses
// arrive in cached cases and lists. They go on sign-out and once they are old; the
// user's own unsent writes never go without the user saying so.
import { deleteDB } from 'idb';
import { closeDb, currentDbName, withDb } from './db';
import type { OutboxItem } from './outbox-types';

export const MAX_CACHE_AGE_MS = 14 * 24 * 3600 * 1000;

/** Reference data (no one's personal data) that the offline round needs even when old. */
const KEEP_REF = /^(categories|orgs|buildings:\d+)$/;

const unsent = (i: OutboxItem) => i.state !== 'sent';

/** Delete cached cases, lists and other reads older than `maxAgeMs` (cases an unsent write is about stay). */
export async function evictStale(now = Date.now(), maxAgeMs = MAX_CACHE_AGE_MS): Promise<number> {
  if (!currentDbName()) return 0;
  const cutoff = now - maxAgeMs;
  return withDb(async (db) => {
    const tx = db.transaction(['cases', 'lists', 'ref', 'outbox'], 'readwrite');
    const needed = new Set((await tx.objectStore('outbox').getAll()).filter(unsent).map((i) => i.caseId));
    let gone = 0;
    for (const c of await tx.objectStore('cases').getAll()) {
      if (c.fetchedAt < cutoff && !needed.has(c.id)) {
        await tx.objectStore('cases').delete(c.id);
        gone++;
      }
    }
    for (const l of await tx.objectStore('lists').getAll()) {
      if (l.fetchedAt < cutoff) {
        await tx.objectStore('lists').delete(l.key);
        gone++;
      }
    }
    for (const r of await tx.objectStore('ref').getAll()) {
      if (r.fetchedAt < cutoff && !KEEP_REF.test(r.key)) {
        await tx.objectStore('ref').delete(r.key);
        gone++;
      }
    }
    await tx.done;
    return gone;
  });
}

/** An unsent write without the server's copies of the case (a refusal may carry the whole case). */
function withoutServerData(i: OutboxItem): OutboxItem {
  const { response: _response, ...rest } = i;
  const c = i.problem?.case;
  if (!c || !i.problem) return rest;
  // A retry of a stale write needs the current version and state, nothing else.
  return { ...rest, problem: { ...i.problem, case: { id: c.id, state: c.state, version: c.version } as typeof c } };
}

/**
 * On sign-out: delete everything the user's database holds except their unsent writes
 * (which stay for their next sign-in, stripped of server data). With nothing unsent the
 * database goes entirely. Closes the database; returns how many writes were kept.
 */
export async function forgetPersonalData(): Promise<number> {
  const name = currentDbName();
  if (!name) return 0;
  const kept = await withDb(async (db) => {
    const tx = db.transaction(['cases', 'lists', 'ref', 'outbox'], 'readwrite');
    await tx.objectStore('cases').clear();
    await tx.objectStore('lists').clear();
    await tx.objectStore('ref').clear();
    const outbox = tx.objectStore('outbox');
    let n = 0;
    for (const i of await outbox.getAll()) {
      if (unsent(i)) {
        await outbox.put(withoutServerData(i));
        n++;
      } else await outbox.delete(i.id); // a receipt holds the server's answer: the case, with the reporter
    }
    await tx.done;
    return n;
  });
  closeDb();
  if (kept === 0) {
    // Another tab may hold the database open a moment longer (it closes on our sign-out);
    // the deletion completes then, and sign-out need not wait for it.
    const gone = deleteDB(name).catch(() => undefined);
    await Promise.race([gone, new Promise((r) => setTimeout(r, 2_000))]);
  }
  return kept;
}
