// Issue 7 item 20: a render error shows a page in the user's language and keeps the outbox.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { LocationProvider } from 'preact-iso';
import { signedInWithSync } from './helpers';
import { ErrorBoundary } from '../src/ui/ErrorBoundary';
import { listOutbox, supportCase } from '../src/offline/outbox';
import { setLocale } from '../src/i18n';

signedInWithSync();

let broken = true;
function Fragile() {
  if (broken) throw new TypeError("Cannot read properties of undefined (reading 'state')");
  return <p data-testid="fine">ok</p>;
}

let root: HTMLElement;
afterEach(() => {
  render(null, root);
  root.remove();
  broken = true;
});

async function mount() {
  root = document.createElement('div');
  document.body.appendChild(root);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  await act(() =>
    render(
      <LocationProvider>
        <ErrorBoundary>
          <Fragile />
        </ErrorBoundary>
      </LocationProvider>,
      root,
    ),
  );
}

describe('error boundary', () => {
  it('shows what happened in Chinese with reload and home, and leaves the outbox alone', async () => {
    await supportCase('c1'); // an unsent write (sync runs with no fetch stub: it stays queued)
    await mount();
    const crash = root.querySelector('[data-testid=crash]');
    expect(crash).not.toBeNull();
    expect(crash?.querySelector('h1')?.textContent).toBe('页面出错了');
    expect(crash?.textContent).toContain('未发送的内容都安全保存在本机');
    expect(root.querySelector('[data-testid=crash-reload]')?.textContent).toBe('重新加载');
    expect(root.querySelector('[data-testid=crash-home]')?.textContent).toBe('回到首页');
    expect(root.querySelector('[data-testid=crash-pending]')?.textContent).toContain('1 条');

    broken = false;
    await act(() => (root.querySelector('[data-testid=crash-home]') as HTMLButtonElement).click());
    expect(root.querySelector('[data-testid=fine]')).not.toBeNull();
    expect(await listOutbox()).toHaveLength(1);
  });

  it('speaks English when the user chose English', async () => {
    setLocale('en');
    await mount();
    expect(root.querySelector('[data-testid=crash] h1')?.textContent).toBe('Something went wrong');
  });
});
