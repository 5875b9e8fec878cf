// The party branch's review queue, its writes and how notes and sign-offs are shown.
import { describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { caseBody, json, mockFetch, signedInWithSync } from './helpers';
import type { CaseEvent, Notification, ReviewItem, ReviewPage as Page } from '../src/api/types';
import { setLocale } from '../src/i18n';
import ReviewPage, { reviewArgs, signedOffHere } from '../src/features/review/ReviewPage';
import ReviewPanel from '../src/features/review/ReviewPanel';
import { Timeline } from '../src/features/cases/Timeline';
import { describe as describeNotification } from '../src/features/notifications/Notifications';
import { listOutbox, reviewCase } from '../src/offline/outbox';
import { syncNow } from '../src/offline/sync';

const wait = (ms = 20) => new Promise<void>((r) => setTimeout(r, ms));
async function until(root: HTMLElement, selector: string) {
  for (let i = 0; i < 50 && !root.querySelector(selector); i++) await act(() => wait());
}

signedInWithSync();

function item(id: string, reasons: ReviewItem['reasons'], last: string | null = null): ReviewItem {
  return { case: caseBody(id, { title: `case ${id}`, state: 'rejected' }), reasons, last_reviewed_at: last };
}

describe('review queue', () => {
  it('asks for the chosen reasons in a stable order, comma-separated', async () => {
    expect(reviewArgs([])).toEqual({ limit: 20 });
    expect(reviewArgs(['rejected', 'escalated'])).toEqual({ limit: 20, reason: ['escalated', 'rejected'] });
    const { calls } = mockFetch(() => json(200, { items: [], next_cursor: null }));
    const { api } = await import('../src/api');
    await api.reviews(reviewArgs(['rejected', 'low_rating']));
    expect(calls[0].url).toBe('/api/v1/reviews?limit=20&reason=low_rating%2Crejected');
  });

  it('shows each case with its reason badges, and opens offline from the cache', async () => {
    let online = true;
    const page: Page = { items: [item('c1', ['escalated', 'rejected']), item('c2', ['low_rating'])], next_cursor: null };
    mockFetch((c) => (!online ? 'network-error' : c.url.startsWith('/api/v1/reviews') ? json(200, page) : json(404, {})));
    const root = document.createElement('div');
    await act(() => render(<ReviewPage />, root));
    await until(root, '[data-testid=review-item]');
    const rows = [...root.querySelectorAll('[data-testid=review-item]')];
    expect(rows.map((r) => r.getAttribute('data-case-id'))).toEqual(['c1', 'c2']);
    expect([...rows[0].querySelectorAll('[data-testid=review-item-reason]')].map((b) => b.textContent)).toEqual(['已升级', '被驳回']);
    expect(rows[0].querySelector('a')?.getAttribute('aria-label')).toContain('审查原因：已升级、被驳回');
    expect(root.querySelector('[data-testid=review-reason-low_rating]')).not.toBeNull();

    online = false;
    render(null, root);
    await act(() => render(<ReviewPage />, root));
    await until(root, '[data-testid=review-item]');
    expect([...root.querySelectorAll('[data-testid=review-item]')].map((r) => r.getAttribute('data-case-id'))).toEqual(['c1', 'c2']);
    render(null, root);
  });

  it('hides a case signed off on this phone until the server lists it again after a change', async () => {
    await reviewCase('c1', { kind: 'reviewed' });
    const items = [item('c1', ['rejected']), item('c2', ['overdue'])];
    expect([...signedOffHere(items, await listOutbox())]).toEqual(['c1']);
    const sent = (await listOutbox()).map((w) => ({ ...w, state: 'sent' as const, response: { at: '2026-11-27T05:00:00Z' } }));
    expect([...signedOffHere(items, sent)]).toEqual(['c1']);
    // The server has our sign-off and still lists the case: it changed since.
    expect([...signedOffHere([item('c1', ['rejected'], '2026-11-27T05:00:00Z')], sent)]).toEqual([]);
  });
});

describe('review writes', () => {
  it('send notes and sign-offs through the outbox with an Idempotency-Key', async () => {
    const { calls } = mockFetch(() => json(201, { id: 1, action: 'supervision_note', at: '2026-11-27T05:00:00Z' }));
    await reviewCase('c1', { kind: 'note', note: '请尽快处理', public: true });
    await reviewCase('c1', { kind: 'reviewed' });
    await syncNow({ force: true });
    expect(calls.map((c) => [c.url, c.body])).toEqual([
      ['/api/v1/cases/c1/reviews', { kind: 'note', note: '请尽快处理', public: true }],
      ['/api/v1/cases/c1/reviews', { kind: 'reviewed' }],
    ]);
    expect(new Set(calls.map((c) => c.headers['idempotency-key'])).size).toBe(2);
    expect((await listOutbox()).every((w) => w.state === 'sent')).toBe(true);
  });

  it('the panel queues a note, a sign-off, and a confirmed send-back (reopen with the version)', async () => {
    mockFetch(() => 'network-error');
    const root = document.createElement('div');
    document.body.append(root); // a detached form does not submit
    const c = caseBody('c9', { state: 'rejected', version: 4, allowed_actions: ['reopen'] });
    await act(() => render(<ReviewPanel c={c} />, root));
    const click = (id: string) => act(() => (root.querySelector(`[data-testid=${id}]`) as HTMLElement).click());

    await click('review-note-submit');
    expect(root.querySelector('[role=alert]')?.textContent).toBe('请填写督办意见');
    const note = root.querySelector('[data-testid=review-note]') as HTMLTextAreaElement;
    note.value = '请回访居民';
    await act(() => {
      note.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await click('review-note-public');
    await click('review-note-submit');
    await act(() => wait());
    await click('review-mark-reviewed');
    await act(() => wait());
    expect(root.querySelector('[data-testid=review-send-back-confirm]')).toBeNull();
    await click('review-send-back');
    await click('review-send-back-confirm');
    await act(() => wait());

    const out = await listOutbox();
    expect(out.map((w) => [w.kind, w.path, w.body])).toEqual([
      ['review', '/cases/c9/reviews', { kind: 'note', note: '请回访居民', public: true }],
      ['review', '/cases/c9/reviews', { kind: 'reviewed' }],
      ['action', '/cases/c9/actions/reopen', { version: 4 }],
    ]);
    expect(out.every((w) => w.key === w.id)).toBe(true);
    render(null, root);
    root.remove();
  });

  it('offers no send-back when the server does not allow reopen', async () => {
    const root = document.createElement('div');
    await act(() => render(<ReviewPanel c={caseBody('c3', { allowed_actions: [] })} />, root));
    expect(root.querySelector('[data-testid=review-send-back]')).toBeNull();
    expect(root.querySelector('[data-testid=review-mark-reviewed]')).not.toBeNull();
    render(null, root);
  });
});

describe('notes and sign-offs, as shown', () => {
  const ev = (id: number, action: string, pub: boolean, note = ''): CaseEvent => ({
    id,
    at: '2026-11-27T03:00:00Z',
    action,
    from_state: 'rejected',
    to_state: 'rejected',
    note,
    public: pub,
    data: {},
    actor: { id: 9, display_name: '孙书记', role: 'party_reviewer' } as CaseEvent['actor'],
  });

  it('labels supervision notes and reviews in the timeline, with the audience for staff', async () => {
    const root = document.createElement('div');
    await act(() => render(<Timeline events={[ev(1, 'supervision_note', true, '请回访'), ev(2, 'review', false)]} staff />, root));
    const items = [...root.querySelectorAll('[data-testid=timeline-event]')];
    expect(items[0].textContent).toContain('督办意见');
    expect(items[0].textContent).toContain('居民可见');
    expect(items[0].textContent).toContain('请回访');
    expect(items[1].textContent).toContain('已审查');
    expect(items[0].textContent).not.toContain('→');
    await act(() => render(<Timeline events={[ev(1, 'supervision_note', true, '请回访')]} />, root));
    expect(root.querySelector('[data-testid=timeline-audience]')).toBeNull();
    render(null, root);
  });

  it('names an actor the server describes only by role by that role', async () => {
    const root = document.createElement('div');
    const submit: CaseEvent = { ...ev(3, 'submit', true), actor: { id: null, display_name: null, role: 'resident' } };
    await act(() => render(<Timeline events={[submit, ev(4, 'supervision_note', true)]} />, root));
    const items = [...root.querySelectorAll('[data-testid=timeline-event]')];
    expect(items[0].textContent).toContain('· 居民');
    expect(items[1].textContent).toContain('· 孙书记');
    render(null, root);
  });

  it('renders a supervision_note notification with its note', () => {
    const n: Notification = {
      id: 1,
      kind: 'supervision_note',
      case_id: 'c1',
      data: { reference: 'LL-1', title: '电梯', note: '请三日内回复' },
      created_at: '2026-11-27T03:00:00Z',
      read_at: null,
      delivery_state: 'not_required',
    };
    expect(describeNotification(n)).toEqual({ head: '督办意见：LL-1「电梯」', detail: '说明：请三日内回复' });
    setLocale('en');
    expect(describeNotification(n).head).toBe('Supervision note: LL-1 “电梯”');
  });
});
