// The signed-in session: tokens and user, kept in localStorage so the app opens
// offline. Tokens never go into the outbox; the client attaches them at send time.
import type { AuthTokens, User } from './types';

export interface StoredSession extends AuthTokens {
  user: User;
}

const KEY = 'linli.session';
let current: StoredSession | null = null;
let loaded = false;
const listeners = new Set<(s: StoredSession | null) => void>();

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function getSession(): StoredSession | null {
  if (!loaded) {
    loaded = true;
    const raw = storage()?.getItem(KEY);
    if (raw) {
      try {
        current = JSON.parse(raw) as StoredSession;
      } catch {
        current = null;
      }
    }
  }
  return current;
}

export function setSession(s: StoredSession | null): void {
  current = s;
  loaded = true;
  const st = storage();
  if (s) st?.setItem(KEY, JSON.stringify(s));
  else st?.removeItem(KEY);
  for (const fn of listeners) fn(s);
}

export function updateTokens(t: AuthTokens): void {
  const s = getSession();
  if (s) setSession({ ...s, access_token: t.access_token, refresh_token: t.refresh_token });
}

export function onSessionChange(fn: (s: StoredSession | null) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** For tests: forget the cached copy so the next read comes from storage. */
export function resetSessionCache(): void {
  current = null;
  loaded = false;
}
