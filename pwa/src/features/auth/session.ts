// Who is signed in, and what happens on sign-in, expiry and sign-out.
import { signal } from '@preact/signals';
import {
  getSession,
  setSession,
  logoutRemote,
  onAuthLost,
  onSessionChangedElsewhere,
  type LoginResponse,
  type StoredSession,
  type User,
} from '../../api';
import { reads } from '../../offline/cache';
import { closeDb, selectUserDb } from '../../offline/db';
import { evictStale, forgetPersonalData } from '../../offline/privacy';
import { myGrids } from '../round/grids';
import { outboxCounts, refreshOutboxSignals } from '../../offline/outbox';
import { resumeSync, startSyncTriggers, stopSyncTriggers, syncPaused } from '../../offline/sync';

export const currentUser = signal<User | null>(null);
/** The server refused our tokens: show the sign-in dialog over the app, keep everything. */
export const authNeeded = signal(false);

function enter(user: User): void {
  selectUserDb(user.id);
  currentUser.value = user;
  void evictStale().catch(() => 0); // cases and lists not seen for two weeks go
  void refreshOutboxSignals();
  startSyncTriggers();
  // Ask the browser not to evict the outbox under storage pressure.
  void navigator.storage?.persist?.().catch(() => false);
  void warmCache(user);
}

/** Fetch what the offline views need before the user goes out of coverage. */
async function warmCache(user: User): Promise<void> {
  try {
    const [, orgs] = await Promise.all([reads.categories().fresh(), reads.orgs().fresh()]);
    if (user.role === 'grid_worker') {
      await Promise.all(myGrids(orgs, user).map((g) => reads.buildings(g.id).fresh()));
    }
  } catch {
    // Offline or refused: the views fall back to what was cached before.
  }
}

/** On page load: reopen the last session (works offline). */
export function bootSession(): void {
  onAuthLost(() => {
    authNeeded.value = true;
  });
  onSessionChangedElsewhere(followOtherTab);
  const s = getSession();
  if (s) enter(s.user);
}

/** Every tab shows the one session: another tab signed out, signed in, or got new tokens. */
export function followOtherTab(s: StoredSession | null): void {
  const here = currentUser.value;
  if (!s) {
    if (here) leave(); // that tab already told the server and cleared the device
    authNeeded.value = false;
    return;
  }
  if (here && String(here.id) === String(s.user.id)) {
    currentUser.value = s.user;
    if (authNeeded.value) {
      // That tab signed in again: this one carries on with the new tokens.
      authNeeded.value = false;
      void resumeSync();
    }
    return;
  }
  if (here) leave();
  syncPaused.value = false;
  authNeeded.value = false;
  enter(s.user);
}

export async function signedIn(res: LoginResponse): Promise<void> {
  const sameUser = currentUser.value && String(currentUser.value.id) === String(res.user.id);
  setSession({ access_token: res.access_token, refresh_token: res.refresh_token, user: res.user });
  authNeeded.value = false;
  if (sameUser) {
    currentUser.value = res.user;
    await resumeSync();
    return;
  }
  if (currentUser.value) leave();
  syncPaused.value = false;
  enter(res.user);
}

function leave(): void {
  stopSyncTriggers();
  closeDb();
  currentUser.value = null;
  outboxCounts.value = { pending: 0, attention: 0 };
}

/**
 * Sign out: the server session ends, in-memory state goes, and so do the cases and lists
 * on disk (residents' names and phones). Unsent writes stay on disk for this user's next
 * sign-in (the header asks first); with none, the user's database is deleted.
 */
export async function signOut(): Promise<void> {
  stopSyncTriggers();
  await logoutRemote();
  setSession(null);
  await forgetPersonalData().catch((e) => console.warn('could not clear the offline copy', e));
  // Photos of the last user's cases must not be readable by the next one.
  await globalThis.caches?.delete('linli-attachments').catch(() => false);
  authNeeded.value = false;
  syncPaused.value = false;
  leave();
}

export function hasRole(...roles: User['role'][]): boolean {
  const u = currentUser.value;
  return !!u && roles.includes(u.role);
}
