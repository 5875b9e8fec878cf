// Issue 7 item 17: tabs share one session; only one tab refreshes, the others take its tokens.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch, uniqueId, user } from './helpers';
import { onAuthLost, request } from '../src/api/client';
import { getSession, onSessionChangedElsewhere, resetSessionCache, sessionStorageEvent, setSession } from '../src/api/tokens';
import { currentUser, followOtherTab, signedIn } from '../src/features/auth/session';
import { configureSync, stopSyncTriggers } from '../src/offline/sync';

const KEY = 'linli.session';
/** What another tab does: write the shared session straight to storage. */
function otherTabStores(access: string, refresh: string, id = 1) {
  localStorage.setItem(KEY, JSON.stringify({ access_token: access, refresh_token: refresh, user: user(id) }));
}

beforeEach(() => {
  resetSessionCache();
  setSession({ access_token: 'a1', refresh_token: 'r1', user: user(1) });
});
afterEach(() => {
  vi.unstubAllGlobals();
  Reflect.deleteProperty(navigator, 'locks');
  setSession(null);
});

describe('one session across tabs', () => {
  it('sends the tokens another tab stored, not a stale copy', async () => {
    const { calls } = mockFetch(() => json(200, {}));
    otherTabStores('a2', 'r2');
    await request('GET', '/me');
    expect(calls[0].headers.authorization).toBe('Bearer a2');
  });

  it('takes the tokens another tab refreshed meanwhile instead of refreshing with a revoked one', async () => {
    const lost = vi.fn();
    const off = onAuthLost(lost);
    const { calls } = mockFetch((c) => {
      if (c.url.endsWith('/auth/refresh')) return json(401, { title: 'revoked' }); // r1 was used by the other tab
      if (c.headers.authorization === 'Bearer a1') {
        otherTabStores('a2', 'r2'); // the other tab refreshed while our request was out
        return json(401, { title: 'expired' });
      }
      return json(200, { ok: true });
    });
    expect(await request('GET', '/me')).toEqual({ ok: true });
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/me', '/api/v1/me']);
    expect(calls[1].headers.authorization).toBe('Bearer a2');
    expect(lost).not.toHaveBeenCalled();
    off();
  });

  it('refreshes under a Web Lock, one tab at a time', async () => {
    const names: string[] = [];
    let tail = Promise.resolve<unknown>(undefined);
    const locks = {
      request: vi.fn((name: string, cb: () => Promise<unknown>) => {
        names.push(name);
        const run = tail.then(cb);
        tail = run.catch(() => undefined);
        return run;
      }),
    };
    Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
    const { calls } = mockFetch((c) => {
      if (c.url.endsWith('/auth/refresh')) return json(200, { access_token: 'a2', refresh_token: 'r2' });
      return c.headers.authorization === 'Bearer a2' ? json(200, {}) : json(401, {});
    });
    await Promise.all([request('GET', '/me'), request('GET', '/orgs')]);
    expect(names).toEqual(['linli-auth-refresh']);
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))[0].headers.authorization).toBe('Bearer r1');
    expect(getSession()?.refresh_token).toBe('r2');
  });
  it('without Web Locks, waits for the lease another tab holds and takes its tokens', async () => {
    localStorage.setItem('linli.refreshing', `other-tab ${Date.now() + 5_000}`);
    const { calls } = mockFetch((c) => {
      if (c.url.endsWith('/auth/refresh')) return json(401, { title: 'revoked' });
      return c.headers.authorization === 'Bearer a2' ? json(200, { ok: true }) : json(401, {});
    });
    setTimeout(() => {
      otherTabStores('a2', 'r2'); // the other tab finishes its refresh and lets go
      localStorage.removeItem('linli.refreshing');
    }, 150);
    expect(await request('GET', '/me')).toEqual({ ok: true });
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/me', '/api/v1/me']);
    expect(localStorage.getItem('linli.refreshing')).toBeNull();
  });
});

describe('a tab follows the others', () => {
  beforeEach(() => configureSync({ locks: () => undefined }));
  afterEach(() => stopSyncTriggers());

  it('signs out when another tab signs out, and in when another signs in', async () => {
    mockFetch(() => json(200, []));
    const id = uniqueId();
    await signedIn({ access_token: 'a', refresh_token: 'r', user: user(id) });
    expect(currentUser.value?.id).toBe(id);

    localStorage.removeItem(KEY);
    const seen = vi.fn(followOtherTab);
    // What bootSession() wires to the browser's storage event in each tab.
    const off = onSessionChangedElsewhere(seen);
    sessionStorageEvent({ key: KEY });
    expect(seen).toHaveBeenCalledWith(null);
    expect(currentUser.value).toBeNull();

    const next = uniqueId();
    otherTabStores('b', 'rb', next);
    sessionStorageEvent({ key: KEY });
    expect(currentUser.value?.id).toBe(next);
    off();
  });
});
