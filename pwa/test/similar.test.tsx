// Similar cases on the report form (issue 10 item 6): asked with what is typed, already
// +1'd ones say so, and a +1 from here counts at once.
import { describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { setLocale } from '../src/i18n';
import { Similar } from '../src/features/report/Similar';
import { json, mockFetch, signedInWithSync } from './helpers';

const wait = (ms = 20) => new Promise<void>((r) => setTimeout(r, ms));
signedInWithSync();

const item = (id: string, extra = {}) => ({
  id,
  reference: `LL-2026-00000${id.slice(-1)}`,
  title: `楼道漏水 ${id}`,
  state: 'assigned',
  created_at: '2026-11-27T03:00:00Z',
  supporters: 2,
  similarity: 0.5,
  supported_by_me: false,
  ...extra,
});

describe('similar cases while reporting', () => {
  it('asks with the typed text once typing pauses, and shows +1 state and counts', async () => {
    setLocale('zh-CN');
    const { calls } = mockFetch((call) =>
      call.url.includes('/cases/similar') ? json(200, [item('c1'), item('c2', { supported_by_me: true, supporters: 3 })]) : json(200, { supporters: 3 }),
    );
    const root = document.createElement('div');
    await act(() => render(<Similar category="facility" orgId="10" text="" />, root));
    await act(() => wait(50));
    await act(() => render(<Similar category="facility" orgId="10" text="楼道漏水 墙面发霉" />, root));
    await act(() => wait(500));

    const asked = calls.filter((c) => c.url.includes('/cases/similar')).map((c) => new URL(c.url, 'http://x'));
    expect(asked[0].searchParams.get('text')).toBeNull();
    expect(asked.at(-1)?.searchParams.get('text')).toBe('楼道漏水 墙面发霉');

    const [first, second] = [...root.querySelectorAll('[data-testid="similar-item"]')];
    const button = (el: Element) => el.querySelector('[data-testid="similar-support"]') as HTMLButtonElement;
    expect(button(second).textContent).toBe('已 +1');
    expect(button(second).disabled).toBe(true);
    expect(first.querySelector('[data-testid="similar-supporters"]')?.textContent).toBe('2 人关注');

    await act(() => button(first).click());
    await act(() => wait(50));
    expect(button(first).disabled).toBe(true);
    expect(first.querySelector('[data-testid="similar-supporters"]')?.textContent).toBe('3 人关注');
    render(null, root);
  });
});
