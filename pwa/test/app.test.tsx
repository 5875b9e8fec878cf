import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { caseBody, json, mockFetch, uniqueId } from './helpers';
import { App } from '../src/app';
import { currentUser, signedIn, signOut } from '../src/features/auth/session';
import { supportCase } from '../src/offline/outbox';
import { configureSync, stopSyncTriggers, syncPaused } from '../src/offline/sync';

const wait = (ms = 30) => new Promise<void>((r) => setTimeout(r, ms));

async function until(fn: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await act(() => wait(20));
  }
}

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement('div');
  document.body.appendChild(root);
  syncPaused.value = false;
  configureSync({ locks: () => undefined });
});
afterEach(async () => {
  render(null, root);
  root.remove();
  stopSyncTriggers();
  vi.unstubAllGlobals();
});

describe('app shell', () => {
  it('shows the login form when signed out', async () => {
    await act(() => render(<App />, root));
    expect(root.querySelector('[data-testid=login-username]')).not.toBeNull();
    expect(root.querySelector('[data-testid=outbox-pending]')).toBeNull();
  });

  it('always shows the unsent count when signed in, and clears state on sign-out', async () => {
    let online = true;
    mockFetch((c) => {
      if (!online) return 'network-error';
      if (c.url.startsWith('/api/v1/cases?')) return json(200, { items: [caseBody('c1', { title: 'Mine' })], next_cursor: null });
      if (c.url.endsWith('/auth/logout')) return json(204, null);
      return json(200, []);
    });
    const uid = uniqueId();
    await act(async () => {
      await signedIn({
        access_token: 'a',
        refresh_token: 'r',
        user: { id: uid, username: 'r1', display_name: 'R', role: 'resident', org_id: 1, provider_id: null, phone: null, active: true, must_change_password: false },
      });
      render(<App />, root);
    });
    const pending = () => root.querySelector('[data-testid=outbox-pending]')?.textContent;
    await until(() => pending() === '0');
    await until(() => root.querySelectorAll('[data-testid=case-item]').length === 1);
    expect(root.querySelector('[data-testid=case-item]')?.getAttribute('data-case-id')).toBe('c1');

    online = false;
    await act(async () => {
      await supportCase('c1');
    });
    await until(() => pending() === '1');

    online = true;
    await act(async () => {
      await signOut();
    });
    expect(currentUser.value).toBeNull();
    await until(() => root.querySelector('[data-testid=login-username]') !== null);
    expect(root.querySelector('[data-testid=case-item]')).toBeNull();
  });
});
