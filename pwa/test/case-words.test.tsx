// What the case page says about ratings and escalations (issue 10, items 4 and 5).
import { describe, expect, it } from 'vitest';
import { setLocale } from '../src/i18n';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { caseBody, json, mockFetch, signedInWithSync, uniqueId, user } from './helpers';
import type { Case } from '../src/api/types';
import { currentUser } from '../src/features/auth/session';
import { CaseDetail } from '../src/features/cases/CaseDetail';
import { eventLabel } from '../src/features/cases/Timeline';
import { listOutbox } from '../src/offline/outbox';

const wait = (ms = 20) => new Promise<void>((r) => setTimeout(r, ms));
signedInWithSync();

describe('escalation in the timeline', () => {
  it('names the level reached and the reason, in zh-CN and English', () => {
    setLocale('zh-CN');
    const e = { action: 'escalate', data: { from_level: 'grid', to_level: 'street', reason: 'accept_overdue' } };
    expect(eventLabel(e)).toBe('升级到街道 · 接单超时');
    expect(eventLabel({ ...e, data: { ...e.data, reason: 'resident_not_satisfied' } })).toBe('升级到街道 · 居民不满意');
    setLocale('en');
    expect(eventLabel(e)).toBe('Escalated to Street · not accepted in time');
    setLocale('zh-CN');
  });

  it('keeps the plain label when the event carries no level (and for other actions)', () => {
    setLocale('zh-CN');
    expect(eventLabel({ action: 'escalate', data: {} })).toBe('升级');
    expect(eventLabel({ action: 'resolve', data: {} })).not.toContain('升级');
  });
});

describe('the rating on a case page', () => {
  async function ratingText(role: 'resident' | 'dispatcher'): Promise<string> {
    currentUser.value = user(uniqueId(), role);
    const c = caseBody('c-rated', { state: 'closed', rating: { resolved: true, stars: 4, comment: '' } as Case['rating'] });
    mockFetch((call) => (call.url.endsWith('/events') ? json(200, { items: [] }) : json(200, c)));
    const root = document.createElement('div');
    await act(() => render(<CaseDetail id="c-rated" />, root));
    for (let i = 0; i < 50 && !root.querySelector('[data-testid="case-rating"]'); i++) await act(() => wait());
    const text = root.querySelector('[data-testid="case-rating"]')?.textContent ?? '';
    render(null, root);
    return text;
  }

  it('is "your rating" to the resident and "the resident\'s rating" to staff', async () => {
    setLocale('zh-CN');
    expect(await ratingText('resident')).toContain('你的评价：4 星');
    expect(await ratingText('dispatcher')).toContain('居民评价：4 星');
  });
});

describe('one vocabulary for states and actions (12345 practice, docs GLOSSARY)', () => {
  it('names every state and action the way 接诉即办 does, in both languages', async () => {
    const { t } = await import('../src/i18n');
    setLocale('zh-CN');
    const zh = ['submitted', 'assigned', 'in_progress', 'returned', 'resolved', 'closed', 'rejected'].map((s) => t(`state.${s}` as never));
    expect(zh).toEqual(['待派单', '待接单', '办理中', '退单待审', '已办结，待评价', '已结案', '不予受理']);
    const actions = ['assign', 'accept', 'return', 'resolve', 'reopen', 'close'].map((a) => t(`action.${a}` as never));
    expect(actions).toEqual(['派单', '接单', '退单', '办结', '重办', '结案']);
    setLocale('en');
    expect(t('state.resolved')).toBe('Done, awaiting rating');
    expect(t('action.resolve')).toBe('Mark done');
    setLocale('zh-CN');
  });
});

describe('one name per category', () => {
  it('names a category everywhere the way the server does, once its list was read', async () => {
    const { categoryLabel, knownCategories } = await import('../src/ui/categories');
    const { reads } = await import('../src/offline/cache');
    setLocale('zh-CN');
    knownCategories.value = undefined;
    expect(categoryLabel('facility')).toBe('设施问题'); // built-in, for a first offline start
    mockFetch(() => json(200, [{ code: 'facility', name_zh: '楼道设施', name_en: 'Stairwell facilities', icon: 'tools', active: true, sort_order: 1 }]));
    await reads.categories().fresh();
    expect(categoryLabel('facility')).toBe('楼道设施');
    setLocale('en');
    expect(categoryLabel('facility')).toBe('Stairwell facilities');
    setLocale('zh-CN');
    knownCategories.value = undefined;
  });
});

describe('after sending a report', () => {
  it('says what happened: sending, saved for later, sent with its reference, or needs a change', async () => {
    const { reportNotice } = await import('../src/features/report/ReportNotice');
    setLocale('zh-CN');
    const item = { id: 'r1', kind: 'create_case', state: 'queued', attempts: 0 } as never as import('../src/offline/outbox-types').OutboxItem;
    expect(reportNotice(undefined, true)).toBeUndefined();
    expect(reportNotice(item, true)?.text).toBe('正在发送…');
    expect(reportNotice(item, false)?.text).toBe('已保存在本机，联网后自动发送');
    expect(reportNotice({ ...item, attempts: 2 }, true)?.kind).toBe('offline');
    expect(reportNotice({ ...item, state: 'sent', response: { reference: 'LL-2026-000151' } }, true)?.text).toBe('已提交，编号 LL-2026-000151');
    expect(reportNotice({ ...item, state: 'needs_attention' }, true)?.kind).toBe('attention');
  });
});

describe('the rating rules on a case page (issue 8)', () => {
  async function page(role: 'resident' | 'grid_worker', extra: Partial<Case>) {
    currentUser.value = user(uniqueId(), role);
    const c = caseBody('c-rules', extra);
    mockFetch((call) => (call.url.includes('/events') ? json(200, { items: [] }) : json(200, c)));
    const root = document.createElement('div');
    await act(() => render(<CaseDetail id="c-rules" />, root));
    for (let i = 0; i < 50 && !root.querySelector('[data-testid="case-reference"]'); i++) await act(() => wait());
    await act(() => wait());
    return { root };
  }
  const click = (root: HTMLElement, id: string) => act(() => (root.querySelector(`[data-testid="${id}"]`) as HTMLElement).click());
  const queued = async (kind: string) => {
    const w = (await listOutbox()).find((x) => x.kind === kind);
    return w && [w.path, w.body];
  };

  it('the resident is told until when to rate; no form when the server says they may not', async () => {
    setLocale('zh-CN');
    const open = await page('resident', { state: 'resolved', may_rate: true, rating_due_at: '2026-12-10T02:00:00Z' });
    expect(open.root.querySelector('[data-testid="rating-due"]')?.textContent).toBe('请在 2026/12/10 10:00 前评价，逾期未评价将自动结案。');
    expect(open.root.querySelector('[data-testid^="rating-channel-"]')).toBeNull();
    render(null, open.root);
    const late = await page('resident', { state: 'resolved', may_rate: false });
    expect(late.root.querySelector('[data-testid="rating-form"]')).toBeNull();
    render(null, late.root);
  });

  it('a grid worker records the verdict with how it was taken (回访)', async () => {
    setLocale('zh-CN');
    const { root } = await page('grid_worker', { state: 'resolved', may_rate: true });
    expect(root.querySelector('#rating-title')?.textContent).toBe('记录回访评价');
    await click(root, 'rating-channel-visit');
    await click(root, 'rating-resolved-yes');
    await click(root, 'rating-stars-4');
    await act(() => (root.querySelector('[data-testid="rating-form"]') as HTMLFormElement).requestSubmit());
    for (let i = 0; i < 50 && !(await queued('rating')); i++) await act(() => wait());
    expect(await queued('rating')).toEqual(['/cases/c-rules/rating', { resolved: true, stars: 4, channel: 'visit' }]);
    render(null, root);
  });

  it('the reporter appeals a closed case with a reason, once the server offers it', async () => {
    setLocale('zh-CN');
    const { root } = await page('resident', {
      state: 'closed',
      allowed_actions: ['appeal'],
      appeal_due_at: '2026-12-10T02:00:00Z',
    });
    expect(root.querySelector('[data-testid="appeal"]')?.textContent).toContain('可申诉一次，截止 2026/12/10 10:00');
    await click(root, 'appeal-open');
    await act(() => (root.querySelector('[data-testid="appeal"] form') as HTMLFormElement).requestSubmit());
    expect(root.querySelector('[data-testid="appeal"] [role="alert"]')?.textContent).toBe('请填写申诉理由');
    const reason = root.querySelector('[data-testid="appeal-reason"]') as HTMLTextAreaElement;
    await act(() => {
      reason.value = '灯还是不亮';
      reason.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(() => (root.querySelector('[data-testid="appeal"] form') as HTMLFormElement).requestSubmit());
    for (let i = 0; i < 50 && !(await queued('appeal')); i++) await act(() => wait());
    expect(await queued('appeal')).toEqual(['/cases/c-rules/appeal', { reason: '灯还是不亮' }]);
    render(null, root);
    const none = await page('resident', { state: 'closed', allowed_actions: [] });
    expect(none.root.querySelector('[data-testid="appeal"]')).toBeNull();
    render(null, none.root);
  });

  it('names a not-rated close and an appeal in the timeline', () => {
    setLocale('zh-CN');
    expect(eventLabel({ action: 'close', data: { not_rated: true } })).toBe('未在期限内评价，自动结案');
    expect(eventLabel({ action: 'close', data: {} })).toBe('结案');
    expect(eventLabel({ action: 'appeal', data: {} })).toBe('申诉');
    expect(eventLabel({ action: 'escalate', data: { to_level: 'community', reason: 'appealed' } })).toBe('升级到社区 · 居民申诉');
    setLocale('en');
    expect(eventLabel({ action: 'close', data: { not_rated: true } })).toBe('Closed: not rated in time');
  });
});
