// One IndexedDB database per signed-in user (`linli-<userId>`), through idb,
// with a wrapper that reopens the connection once when the browser closed it
// under us (Safari, storage pressure, a version change from another tab).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxItem } from './outbox-types';
import type { Case, CaseEvent, CaseSummary, ReviewReason } from '../api/types';

export interface CachedCase {
  id: string;
  case: Case;
  events?: CaseEvent[];
  fetchedAt: number;
}
export interface CachedList {
  key: string;
  /** The page's rows as the server listed them (or a case the phone reported, at the top). */
  rows: CaseSummary[];
  /** The review queue's: why each row is in it, by case id. */
  reviews?: Record<string, { reasons: ReviewReason[]; last_reviewed_at: string | null }>;
  next_cursor: string | null;
  fetchedAt: number;
}
export interface RefEntry {
  key: string;
  value: unknown;
  fetchedAt: number;
}

export interface LinliDB extends DBSchema {
  outbox: { key: string; value: OutboxItem; indexes: { createdAt: number } };
  cases: { key: string; value: CachedCase };
  lists: { key: string; value: CachedList };
  ref: { key: string; value: RefEntry };
}

export const DB_VERSION = 1;
export type Db = IDBPDatabase<LinliDB>;

let dbName: string | null = null;
let dbPromise: Promise<Db> | null = null;

export function dbNameFor(userId: string | number): string {
  return `linli-${userId}`;
}

/** Point the data layer at this user's database (closes another user's). */
export function selectUserDb(userId: string | number): void {
  const name = dbNameFor(userId);
  if (name === dbName) return;
  closeDb();
  dbName = name;
}

export function currentDbName(): string | null {
  return dbName;
}

/** Close the connection and forget the user (logout). Data stays on disk for that user. */
export function closeDb(): void {
  const p = dbPromise;
  dbPromise = null;
  dbName = null;
  p?.then((db) => db.close()).catch(() => undefined);
}

function open(name: string): Promise<Db> {
  const p = openDB<LinliDB>(name, DB_VERSION, {
    upgrade(db) {
      const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
      outbox.createIndex('createdAt', 'createdAt');
      db.createObjectStore('cases', { keyPath: 'id' });
      db.createObjectStore('lists', { keyPath: 'key' });
      db.createObjectStore('ref', { keyPath: 'key' });
    },
    blocking(_current, _next, event) {
      // A newer version wants in (another tab after an update): step aside.
      (event.target as IDBDatabase).close();
      if (dbPromise === p) dbPromise = null;
    },
    terminated() {
      if (dbPromise === p) dbPromise = null;
    },
  });
  p.catch(() => {
    if (dbPromise === p) dbPromise = null;
  });
  return p;
}

export function getDb(): Promise<Db> {
  if (!dbName) return Promise.reject(new Error('no user database selected'));
  if (!dbPromise) dbPromise = open(dbName);
  return dbPromise;
}

const REOPENABLE = new Set(['InvalidStateError', 'UnknownError']);

/** Run fn with the database; if the connection died, reopen once and retry. */
export async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await fn(await getDb());
  } catch (e) {
    if (!(e instanceof Error) || !REOPENABLE.has(e.name) || !dbName) throw e;
    const stale = dbPromise;
    dbPromise = null;
    stale?.then((db) => db.close()).catch(() => undefined);
    return fn(await getDb());
  }
}
