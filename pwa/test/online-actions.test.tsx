// Staff actions (issue 10 item 8): online, the action completes and says so; offline, it
// waits in the outbox and says that.
import { describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { setLocale } from '../src/i18n';
import CaseActions from '../src/features/cases/CaseActions';
import { online } from '../src/offline/online';
import { listOutbox } from '../src/offline/outbox';
import { syncNow } from '../src/offline/sync';
import { caseBody, json, mockFetch, signedInWithSync } from './helpers';

const wait = (ms = 20) => new Promise<void>((r) => setTimeout(r, ms));
signedInWithSync();

async function accept(root: HTMLElement) {
  await act(() => (root.querySelector('[data-testid="case-action-accept"]') as HTMLElement).click());
  await act(() => (root.querySelector('[data-testid="case-actions"] form') as HTMLFormElement).requestSubmit());
  await act(() => wait(50));
}

async function outcome(root: HTMLElement, state: string) {
  for (let i = 0; i < 100 && root.querySelector('[data-testid="action-outcome"]')?.getAttribute('data-state') !== state; i++) {
    await act(() => wait(30));
  }
  return root.querySelector('[data-testid="action-outcome"]');
}

describe('a staff action', () => {
  it('online: is sent at once and says it is done', async () => {
    setLocale('zh-CN');
    online.value = true;
    const c = caseBody('c-act', { state: 'assigned', allowed_actions: ['accept'], version: 3 });
    mockFetch((call) =>
      call.method === 'POST' ? json(200, { ...c, state: 'in_progress', version: 4, allowed_actions: ['resolve'] }) : json(200, { candidates: [] }),
    );
    const root = document.createElement('div');
    await act(() => render(<CaseActions c={c} />, root));
    await accept(root);
    void syncNow();
    const said = await outcome(root, 'done');
    expect(said?.textContent).toBe('接单已完成。');
    expect((await listOutbox()).every((w) => w.state === 'sent')).toBe(true);
    render(null, root);
  });

  it('offline: waits in the outbox and says it will be sent when online', async () => {
    setLocale('zh-CN');
    online.value = false;
    const c = caseBody('c-off', { state: 'assigned', allowed_actions: ['accept'], version: 3 });
    mockFetch(() => 'network-error');
    const root = document.createElement('div');
    await act(() => render(<CaseActions c={c} />, root));
    await accept(root);
    const said = await outcome(root, 'queued');
    expect(said?.textContent).toBe('已保存，联网后按顺序发送。');
    expect((await listOutbox()).map((w) => w.state)).toEqual(['queued']);
    online.value = true;
    render(null, root);
  });
});
