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
