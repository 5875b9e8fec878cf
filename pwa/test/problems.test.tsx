// Issue 7 item 19: refused writes are explained in the user's language, field by field.
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { signedInWithSync } from './helpers';
import { setLocale } from '../src/i18n';
import { OutboxPage } from '../src/features/outbox/OutboxPage';
import { caseAction, putItem, rateCase, reportCase } from '../src/offline/outbox';
import { fieldProblems, problemMessage } from '../src/ui/problems';
import { ErrorText } from '../src/ui/bits';
import { ApiError } from '../src/api/errors';

signedInWithSync();
const P = 'https://linli.example.org/problems/';
const latin = /[A-Za-z]{2,}/;
const wait = (ms = 20) => new Promise<void>((r) => setTimeout(r, ms));

let root: HTMLElement | null = null;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  root = null;
});

describe('problem types and statuses', () => {
  it('say what happened in Chinese, with the state and action named', () => {
    expect(problemMessage(422, { type: P + 'transition-not-allowed', detail: 'cannot accept a case that is closed', state: 'closed' } as never, 'accept')).toBe(
      '这条诉求当前为“已结案”，不能“接单”。',
    );
    expect(problemMessage(409, { type: P + 'version-conflict', case: { state: 'in_progress' } } as never)).toContain('办理中');
    expect(problemMessage(422, { type: P + 'co-tasks-open', open_tasks: [4, 5] } as never)).toContain('2 个协办任务');
    for (const s of [400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503, 418]) {
      expect(problemMessage(s, { detail: 'English detail from the server' })).not.toMatch(latin);
    }
  });

  it('use plural forms in English', () => {
    setLocale('en');
    expect(problemMessage(422, { type: P + 'co-tasks-open', open_tasks: [4] } as never)).toMatch(/^1 co-unit task is/);
    expect(problemMessage(422, { type: P + 'co-tasks-open', open_tasks: [4, 5] } as never)).toMatch(/^2 co-unit tasks are/);
  });

  it('translate field errors by their codes and label the fields (nested ones too)', () => {
    // As the server sends them: English `errors` for developers, `codes` for the UI.
    const f = fieldProblems({
      errors: { title: ['Missing data for required field.'] },
      codes: {
        title: [{ code: 'required' }],
        stars: [{ code: 'out_of_range', min: 1, max: 5 }],
        description: [{ code: 'too_long', max: 2000 }],
        on_behalf_of: { resident_id: [{ code: 'not_found' }] },
        weird_field: [{ code: 'something_new' }],
      },
    });
    expect(f.map((p) => [p.label, p.messages.join()])).toEqual([
      ['标题', '必填'],
      ['星级', '应在 1 到 5 之间'],
      ['描述', '最多 2000 个字'],
      ['居民', '找不到，或不在你的范围内'],
      ['其他内容', '填写有误'],
    ]);
  });

  it('show no server English in the error line of a failed read', async () => {
    root = document.createElement('div');
    await act(() => render(<ErrorText error={new ApiError(403, { status: 403, detail: 'this needs the role admin' })} />, root!));
    expect(root.textContent).toBe('你没有权限执行这一步。');
  });
});

describe('the outbox', () => {
  it('shows a refused write without the English detail or raw field names', async () => {
    const rating = await rateCase('c1', { resolved: true, stars: 9, comment: '' });
    await putItem({
      ...rating,
      state: 'needs_attention',
      lastStatus: 422,
      problem: {
        type: P + 'validation',
        status: 422,
        detail: 'The request has invalid fields; see errors.',
        errors: { stars: ['Must be greater than or equal to 1 and less than or equal to 5.'], comment: ['Longer than maximum length 500.'] },
        codes: { stars: [{ code: 'out_of_range', min: 1, max: 5 }], comment: [{ code: 'too_long', max: 500 }] },
      },
    });
    const action = await caseAction('c2', 'accept', { version: 1 });
    await putItem({
      ...action,
      state: 'needs_attention',
      lastStatus: 422,
      problem: { type: P + 'transition-not-allowed', status: 422, detail: 'cannot accept a case that is closed', state: 'closed' } as never,
    });
    const report = await reportCase({ category: 'facility', title: 'x', description: 'y', org_id: 10 });
    await putItem({ ...report, state: 'needs_attention', lastStatus: 422, problem: { status: 422, errors: { org_id: ['outside your area'] }, codes: { org_id: [{ code: 'outside_area' }] } } });

    root = document.createElement('div');
    document.body.appendChild(root);
    await act(() => render(<OutboxPage />, root!));
    for (let i = 0; i < 50 && root.querySelectorAll('[data-testid=outbox-problem]').length < 3; i++) await act(() => wait());
    const problems = [...root.querySelectorAll('.fixer')].map((el) => el.textContent ?? '');
    expect(problems).toHaveLength(3);
    const text = problems.join('\n');
    expect(text).toContain('应在 1 到 5 之间');
    expect(text).toContain('星级');
    expect(text).toContain('最多 500 个字');
    expect(text).toContain('不能“接单”');
    expect(text).toContain('社区或网格：不在你的辖区内');
    for (const english of ['invalid fields', 'cannot accept', 'stars', 'org_id', 'outside your area', 'Must be']) {
      expect(text).not.toContain(english);
    }
  });
});
