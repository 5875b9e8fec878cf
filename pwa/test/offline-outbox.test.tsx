// Issue 10, items 7 and 9: the outbox in the user's words, no outbox tab for residents,
// one offline banner, and a report not yet sent shows its photos.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { LocationProvider } from 'preact-iso';
import { caseBody, json, mockFetch, signedInWithSync, user } from './helpers';
import { api } from '../src/api';
import { currentUser } from '../src/features/auth/session';
import { CaseDetail } from '../src/features/cases/CaseDetail';
import { describe as describeItem } from '../src/features/outbox/describe';
import { OutboxPage } from '../src/features/outbox/OutboxPage';
import { setLocale } from '../src/i18n';
import { putCase, type Known } from '../src/offline/cache';
import { withDb } from '../src/offline/db';
import { online } from '../src/offline/online';
import { caseAction, putItem, rateCase, recordVisit, refreshOutboxSignals, reportCase } from '../src/offline/outbox';
import type { OutboxItem } from '../src/offline/outbox-types';
import { Shell } from '../src/ui/Shell';

const wait = (ms = 20) => new Promise<void>((r) => setTimeout(r, ms));
async function until(fn: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await act(() => wait());
  }
}

signedInWithSync();

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement('div');
  document.body.appendChild(root);
  online.value = true;
});
afterEach(() => {
  render(null, root);
  root.remove();
  currentUser.value = null;
  online.value = true;
  vi.unstubAllGlobals();
});

const text = (d: ReturnType<typeof describeItem>) => d.before + (d.link?.text ?? '') + d.after;
const item = (extra: Partial<OutboxItem>): OutboxItem =>
  ({ id: 'o1', key: 'o1', method: 'POST', path: '/x', state: 'queued', attempts: 0, nextAttemptAt: 0, createdAt: 1, updatedAt: 1, ...extra }) as OutboxItem;

describe('outbox items in the user words', () => {
  const known: Known = {
    cases: new Map([['c1', '楼道灯坏了']]),
    households: new Map([['7', '3号楼 201']]),
  };
  const nothing: Known = { cases: new Map(), households: new Map() };

  it('name a report by its title, linked to its page', () => {
    const d = describeItem(item({ kind: 'create_case', caseId: 'n1', body: { title: '电梯停运' } }), nothing);
    expect(text(d)).toBe('上报：电梯停运');
    expect(d.link).toEqual({ text: '电梯停运', href: '/cases/n1' });
  });

  it('name a rating by the case and its stars; the link text is the title, never the id', () => {
    const d = describeItem(item({ kind: 'rating', caseId: 'c1', path: '/cases/c1/rating', body: { stars: 4, resolved: true } }), known);
    expect(text(d)).toBe('评价：楼道灯坏了 4 星');
    expect(d.link).toEqual({ text: '楼道灯坏了', href: '/cases/c1' });
    const unknown = describeItem(item({ kind: 'rating', caseId: '3f1c9a2e-aaaa', body: { stars: 2 } }), nothing);
    expect(text(unknown)).toBe('评价：一条诉求 2 星');
    expect(text(unknown)).not.toContain('3f1c');
  });

  it('name a visit by its household, from the write or the round on the device', () => {
    expect(text(describeItem(item({ kind: 'visit', body: { household_id: 7 } }), known))).toBe('走访：3号楼 201');
    expect(text(describeItem(item({ kind: 'visit', label: '5号楼 101', body: { household_id: 9 } }), nothing))).toBe('走访：5号楼 101');
    expect(text(describeItem(item({ kind: 'visit', body: { household_id: 9 } }), nothing))).toBe('走访：一户居民');
  });

  it('name an action by its verb and the case', () => {
    const d = describeItem(item({ kind: 'action', caseId: 'c1', path: '/cases/c1/actions/assign', body: { version: 1 } }), known);
    expect(text(d)).toBe('派单 · 楼道灯坏了');
    setLocale('en');
    expect(text(describeItem(item({ kind: 'action', caseId: 'c1', path: '/cases/c1/actions/assign' }), known))).toBe('Dispatch · 楼道灯坏了');
  });

  it('are drawn with the titles from the offline copy, and say 联网后发送 offline instead of attempts', async () => {
    await putCase(caseBody('c1', { title: '楼道灯坏了', reference: 'LL-2026-000001' }));
    await putCase(caseBody('c2', { title: '', reference: 'LL-2026-000002' }));
    const rating = await rateCase('c1', { stars: 4, resolved: true });
    await putItem({ ...rating, attempts: 3, nextAttemptAt: Date.now() + 60_000 });
    await caseAction('c2', 'assign', { version: 1 } as never);
    await recordVisit({ household_id: 7, visited_at: new Date().toISOString() }, '3号楼 201');
    await reportCase({ category: 'facility', title: '电梯停运', description: 'y', org_id: 10 });
    mockFetch(() => 'network-error');
    online.value = false;

    await act(() => render(<OutboxPage />, root));
    await until(() => root.textContent!.includes('楼道灯坏了'));
    const summaries = [...root.querySelectorAll('[data-testid=outbox-summary]')].map((e) => e.textContent);
    expect(summaries).toEqual(['评价：楼道灯坏了 4 星', '派单 · LL-2026-000002', '走访：3号楼 201', '上报：电梯停运']);
    const links = [...root.querySelectorAll('[data-testid=outbox-summary] a')].map((a) => a.textContent);
    expect(links).toEqual(['楼道灯坏了', 'LL-2026-000002', '电梯停运']);
    expect(root.querySelectorAll('[data-testid=outbox-when-online]')).toHaveLength(4);
    expect(root.textContent).toContain('联网后发送');
    expect(root.textContent).not.toContain('已尝试');
    expect(root.textContent).not.toContain('下次');

    await act(() => {
      online.value = true;
    });
    expect(root.querySelectorAll('[data-testid=outbox-when-online]')).toHaveLength(0);
    expect(root.querySelector('[data-testid=outbox-retry-at]')?.textContent).toContain('已尝试 3 次');
  });
});

function shell(role: Parameters<typeof user>[1]) {
  currentUser.value = user(1, role);
  return (
    <LocationProvider>
      <Shell>
        <p>page</p>
      </Shell>
    </LocationProvider>
  );
}

describe('the shell', () => {
  beforeEach(() => {
    mockFetch(() => json(200, { items: [], next_cursor: null, unread: 0 }));
  });

  it('gives residents no outbox tab; staff keep theirs', async () => {
    await act(() => render(shell('resident'), root));
    expect(root.querySelector('[data-testid=nav-outbox]')).toBeNull();
    expect(root.querySelector('[data-testid=nav-cases]')).not.toBeNull();
    render(null, root);
    await act(() => render(shell('grid_worker'), root));
    expect(root.querySelector('[data-testid=nav-outbox]')).not.toBeNull();
  });

  it('opens the outbox from the ⟳ badge while something waits, and only syncs otherwise', async () => {
    history.replaceState(null, '', '/cases');
    await refreshOutboxSignals(); // this test's user has an empty outbox
    await act(() => render(shell('resident'), root));
    await act(() => (root.querySelector('[data-testid=sync-now]') as HTMLButtonElement).click());
    expect(location.pathname).toBe('/cases');
    await act(async () => {
      await rateCase('c1', { stars: 4, resolved: true });
    });
    await until(() => root.querySelector('[data-testid=outbox-pending]')?.textContent === '1');
    await act(() => (root.querySelector('[data-testid=sync-now]') as HTMLButtonElement).click());
    expect(location.pathname).toBe('/outbox');
  });

  it('shows one offline banner as soon as the browser goes offline, and drops it back online', async () => {
    await act(() => render(shell('resident'), root));
    expect(root.querySelector('[data-testid=offline-banner]')).toBeNull();
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    await act(() => void window.dispatchEvent(new Event('offline')));
    const banner = root.querySelectorAll('[data-testid=offline-banner]');
    expect(banner).toHaveLength(1);
    expect(banner[0].getAttribute('role')).toBe('status');
    expect(banner[0].textContent).toContain('当前离线');
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    await act(() => void window.dispatchEvent(new Event('online')));
    expect(root.querySelector('[data-testid=offline-banner]')).toBeNull();
    vi.restoreAllMocks();
  });

  it('shows the banner when a request gets no answer, though the browser says online', async () => {
    await act(() => render(shell('resident'), root));
    mockFetch(() => 'network-error');
    await act(async () => {
      await api.cases({ mine: true }).catch(() => undefined);
    });
    expect(root.querySelectorAll('[data-testid=offline-banner]')).toHaveLength(1);
  });
});

describe('a case page offline', () => {
  it('says once when its copy was saved, and never repeats the banner', async () => {
    const saved = Date.parse('2026-05-01T02:30:00Z');
    await withDb((db) => db.put('cases', { id: 'c1', case: caseBody('c1', { title: '楼道灯坏了' }), events: [], fetchedAt: saved }));
    mockFetch(() => 'network-error');
    await act(() =>
      render(
        <LocationProvider>
          <Shell>
            <CaseDetail id="c1" />
          </Shell>
        </LocationProvider>,
        root,
      ),
    );
    currentUser.value = user(1, 'resident');
    await until(() => !!root.querySelector('[data-testid=offline-banner]') && !!root.querySelector('[data-testid=resource-note]'));
    const all = root.textContent!;
    expect(root.querySelectorAll('[data-testid=offline-banner]')).toHaveLength(1);
    expect(root.querySelectorAll('[data-testid=resource-note]')).toHaveLength(1);
    expect(root.querySelector('[data-testid=resource-note]')!.textContent).toBe('显示的是 2026/05/01 10:30 保存的内容');
    expect(all).not.toContain('网络不可用');
  });

  it('shows the photos of a report not sent yet, from the outbox, and revokes them on leaving', async () => {
    const made: string[] = [];
    const revoked: string[] = [];
    vi.stubGlobal('URL', Object.assign(URL, {
      createObjectURL: (b: Blob) => {
        const u = `blob:test/${made.length}-${b.type}`;
        made.push(u);
        return u;
      },
      revokeObjectURL: (u: string) => revoked.push(u),
    }));
    mockFetch(() => 'network-error');
    const photo = { name: 'p.jpg', type: 'image/jpeg', data: new Uint8Array([1, 2, 3]).buffer };
    const report = await reportCase({ category: 'facility', title: '电梯停运', description: 'y', org_id: 10 }, [photo, photo]);
    await act(() => render(<CaseDetail id={report.caseId!} />, root));
    await until(() => root.querySelectorAll('[data-testid=case-attachment] img').length === 2);
    const srcs = [...root.querySelectorAll('[data-testid=case-attachment] img')].map((i) => i.getAttribute('src'));
    expect(srcs).toEqual(made);
    expect(root.querySelector('[data-testid=case-attachment] button')!.getAttribute('aria-label')).toBe('放大查看：照片 1 · 居民上传');
    expect(root.querySelector('[data-testid=photo-caption]')!.textContent).toBe('居民上传');
    render(null, root);
    expect(revoked.sort()).toEqual([...made].sort());
  });
});
