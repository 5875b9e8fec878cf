// The signed-in session: tokens and user, kept in localStorage so the app opens
// offline and every tab of the app shares one session. Tokens never go into the
// outbox; the client attaches them at send time.
import type { AuthTokens, User } from './types';

export interface StoredSession extends AuthTokens {
  user: User;
}

const KEY = 'linli.session';
// Without storage (private mode) the session lives in this tab only.
let current: StoredSession | null = null;
let raw: string | null | undefined;
const listeners = new Set<(s: StoredSession | null) => void>();
const elsewhere = new Set<(s: StoredSession | null) => void>();

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function parse(text: string | null): StoredSession | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as StoredSession;
  } catch {
    return null;
  }
}

/**
 * The session as stored now. Read from storage each time (cheap, and parsed only when it
 * changed): another tab may have refreshed the tokens a moment ago, and each refresh
 * revokes the previous refresh token.
 */
export function getSession(): StoredSession | null {
  const st = storage();
  if (!st) return current;
  let text: string | null;
  try {
    text = st.getItem(KEY);
  } catch {
    return current;
  }
  if (text !== raw) {
    raw = text;
    current = parse(text);
  }
  return current;
}

export function setSession(s: StoredSession | null): void {
  current = s;
  const st = storage();
  try {
    if (s) st?.setItem(KEY, JSON.stringify(s));
    else st?.removeItem(KEY);
    raw = st ? st.getItem(KEY) : undefined;
  } catch {
    // storage full or gone: this tab keeps the session in memory
  }
  for (const fn of listeners) fn(s);
}

export function updateTokens(t: AuthTokens): void {
  const s = getSession();
  if (s) setSession({ ...s, access_token: t.access_token, refresh_token: t.refresh_token });
}

/** Changes made in this tab. */
export function onSessionChange(fn: (s: StoredSession | null) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Changes another tab made (sign-in, sign-out, new tokens), from the `storage` event. */
export function onSessionChangedElsewhere(fn: (s: StoredSession | null) => void): () => void {
  elsewhere.add(fn);
  return () => elsewhere.delete(fn);
}

/** Tell listeners about a change in storage made by another tab (the `storage` event). */
export function sessionStorageEvent(e: Pick<StorageEvent, 'key'>): void {
  if (e.key !== KEY && e.key !== null) return; // null: storage cleared
  const before = raw;
  const s = getSession();
  if (raw === before) return;
  for (const fn of elsewhere) fn(s);
}

if (typeof window !== 'undefined') window.addEventListener('storage', sessionStorageEvent);

/** For tests: forget the cached copy so the next read comes from storage. */
export function resetSessionCache(): void {
  current = null;
  raw = undefined;
}
