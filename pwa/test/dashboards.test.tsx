// The staff figures screens: 考核 (assessment table, drill-down, 红黑榜, exports) and 需求 (demand).
import { describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { json, mockFetch, signedInWithSync, uniqueId, user, type Call } from './helpers';
import type { Assessment, AssessmentRow, Demand, Org } from '../src/api/types';
import { currentUser } from '../src/features/auth/session';
import AssessmentPage from '../src/features/assessment/AssessmentPage';
import DemandPage from '../src/features/demand/DemandPage';
import { redBlack } from '../src/features/assessment/model';
import { dispositionName } from '../src/api/client';
import { setLocale } from '../src/i18n';

const wait = (ms = 20) => new Promise<void>((r) => setTimeout(r, ms));
signedInWithSync();

async function until(root: HTMLElement, selector: string): Promise<Element> {
  for (let i = 0; i < 100; i++) {
    const el = root.querySelector(selector);
    if (el) return el;
    await act(() => wait());
  }
  throw new Error(`never rendered: ${selector}`);
}

function row(id: number, name: string, extra: Partial<AssessmentRow> = {}): AssessmentRow {
  return {
    unit: { kind: 'org', id, name, name_en: `${name}-en`, code: '' },
    cases: 10,
    due_for_acceptance: 10,
    accepted_on_time: 9,
    response_rate: 0.9,
    due_for_resolution: 8,
    resolved_on_time: 6,
    resolved: 7,
    resolution_rate: 0.875,
    ratings: 4,
    ratings_recorded: 0,
    satisfied: 3,
    satisfaction_rate: 0.75,
    not_rated: 1,
    median_hours_to_accept: 1,
    median_hours_to_resolve: 20,
    overdue: 2,
    bounces: 1,
    escalations: 0,
    supporters: 0,
    score: 80,
    rank: 1,
    published_score: null,
    published_rank: null,
    ...extra,
  };
}

function table(rows: AssessmentRow[], extra: Partial<Assessment> = {}): Assessment {
  return {
    period: '2026-11',
    from: '2026-11-01',
    to: '2026-11-30',
    group_by: 'org',
    level: 'street',
    org_id: 1,
    view: 'live',
    weights: { response: 10, resolution: 45, satisfaction: 45 },
    rows,
    publication: null,
    ...extra,
  };
}

const ORGS: Org[] = [
  { id: 1, parent_id: null, kind: 'district', code: 'd1', name: 'D1', name_en: 'D1', active: true },
  { id: 2, parent_id: 1, kind: 'street', code: 's1', name: 'S1', name_en: 'S1', active: true },
  { id: 3, parent_id: 2, kind: 'community', code: 'c1', name: 'C1', name_en: 'C1', active: true },
];

/** An officer at district 1; `answer` gives the assessment for a query. */
function officerAt(answer: (q: URLSearchParams, call: Call) => Response) {
  currentUser.value = { ...user(uniqueId(), 'officer'), org_id: 1 };
  return mockFetch((call) => {
    const u = new URL(call.url, 'http://x');
    if (u.pathname === '/api/v1/orgs') return json(200, ORGS);
    if (u.pathname === '/api/v1/assessment') return answer(u.searchParams, call);
    return json(404, { status: 404 });
  });
}

const tableCalls = (calls: Call[]) =>
  calls
    .map((c) => new URL(c.url, 'http://x'))
    .filter((u) => u.pathname === '/api/v1/assessment' && !u.searchParams.has('format'));

describe('the assessment page', () => {
  it('lists the units with their rates; a rate without data says 无数据, never 0%', async () => {
    setLocale('zh-CN');
    officerAt(() =>
      json(200, table([row(2, '甲街道'), row(4, '乙街道', { response_rate: null, due_for_acceptance: 0, accepted_on_time: 0, rank: 2, score: 60 })])),
    );
    const root = document.createElement('div');
    await act(() => render(<AssessmentPage />, root));
    await until(root, '[data-testid="assessment-row"]');
    const rows = [...root.querySelectorAll('[data-testid="assessment-row"]')];
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('甲街道');
    expect(rows[0].querySelector('[data-testid="rate-response"]')?.textContent).toBe('90.0%');
    expect(rows[0].querySelector('[data-testid="rate-resolution"]')?.textContent).toBe('87.5%');
    expect(rows[1].querySelector('[data-testid="rate-response"]')?.textContent).toBe('无数据');
    const rates = [...root.querySelectorAll('[data-testid^="rate-"]')].map((c) => c.textContent);
    expect(rates).not.toContain('0.0%');
    render(null, root);
  });

  it('drills down from a street to its communities, then to a community\'s providers, and back', async () => {
    setLocale('zh-CN');
    const { calls } = officerAt((q) => {
      if (q.get('group_by') === 'provider') return json(200, table([{ ...row(9, '物业公司'), unit: { kind: 'provider', id: 9, name: '物业公司', name_en: 'P', code: '' } }]));
      if (q.get('level') === 'community') return json(200, table([row(3, '一社区')]));
      return json(200, table([row(2, '甲街道')]));
    });
    const root = document.createElement('div');
    await act(() => render(<AssessmentPage />, root));
    await until(root, '[data-testid="drill"]');
    const first = tableCalls(calls).find((u) => !u.searchParams.has('org_id') && u.searchParams.get('period'));
    expect(first?.searchParams.get('level')).toBe('street');
    expect(first?.searchParams.get('group_by')).toBe('org');

    await act(() => (root.querySelector('[data-testid="drill"]') as HTMLButtonElement).click());
    for (let i = 0; i < 50 && !root.textContent?.includes('一社区'); i++) await act(() => wait());
    const second = tableCalls(calls).find((u) => u.searchParams.get('org_id') === '2');
    expect(second?.searchParams.get('level')).toBe('community');
    expect(root.querySelector('[data-testid="crumbs"]')?.textContent).toContain('甲街道');

    await act(() => (root.querySelector('[data-testid="drill"]') as HTMLButtonElement).click());
    for (let i = 0; i < 50 && !root.textContent?.includes('物业公司'); i++) await act(() => wait());
    const third = tableCalls(calls).find((u) => u.searchParams.get('org_id') === '3');
    expect(third?.searchParams.get('group_by')).toBe('provider');
    expect(third?.searchParams.has('level')).toBe(false);

    await act(() => (root.querySelector('[data-testid="crumb-root"]') as HTMLButtonElement).click());
    for (let i = 0; i < 50 && !root.textContent?.includes('甲街道'); i++) await act(() => wait());
    expect(root.querySelector('[data-testid="crumbs"] [aria-current]')?.textContent).toBe('D1');
    render(null, root);
  });

  it('downloads the XLSX export with the Authorization header and the server\'s file name', async () => {
    setLocale('zh-CN');
    const { calls } = officerAt((q) =>
      q.get('format') === 'xlsx'
        ? new Response(new Blob(['xlsx-bytes']), {
            status: 200,
            headers: {
              'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
              'Content-Disposition': `attachment; filename="assessment-2026-11.xlsx"; filename*=UTF-8''${encodeURIComponent('考核-2026-11.xlsx')}`,
            },
          })
        : json(200, table([row(2, '甲街道')])),
    );
    const created = vi.fn(() => 'blob:fake');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }));
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const root = document.createElement('div');
    await act(() => render(<AssessmentPage />, root));
    const button = (await until(root, '[data-testid="export-xlsx"]')) as HTMLButtonElement;
    await act(() => button.click());
    for (let i = 0; i < 50 && !clicked.length; i++) await act(() => wait());
    const call = calls.find((c) => c.url.includes('format=xlsx'))!;
    expect(call.headers.authorization).toBe('Bearer access-1');
    expect(call.url).toContain('lang=zh-CN');
    expect(call.url).toContain('group_by=org');
    expect(created).toHaveBeenCalled();
    expect(clicked).toEqual(['考核-2026-11.xlsx']);
    click.mockRestore();
    render(null, root);
  });

  it('shows the publication and, in the live view, the published rank where it differs', async () => {
    setLocale('zh-CN');
    officerAt(() =>
      json(
        200,
        table([row(2, '甲街道', { rank: 1, published_rank: 2 }), row(4, '乙街道', { rank: 2, published_rank: 2, score: 70 })], {
          publication: { period: '2026-11', org_id: 1, org_name: 'D1', published_at: '2026-12-01T02:00:00Z', published_by: '陈科长' },
        }),
      ),
    );
    const root = document.createElement('div');
    await act(() => render(<AssessmentPage />, root));
    await until(root, '[data-testid="assessment-row"]');
    expect(root.querySelector('[data-testid="publication"]')?.textContent).toMatch(/^已发布 .*2026.* · 陈科长$/);
    expect(root.querySelectorAll('[data-testid="published-rank"]')).toHaveLength(1);
    expect(root.querySelector('[data-testid="view-published"]')).not.toBeNull();
    render(null, root);
  });

  it('offline, another month shows no figures rather than the last month\'s', async () => {
    setLocale('zh-CN');
    let online = true;
    officerAt(() => (online ? json(200, table([row(2, '甲街道')])) : ('network-error' as never)));
    const root = document.createElement('div');
    await act(() => render(<AssessmentPage />, root));
    await until(root, '[data-testid="assessment-row"]');
    online = false;
    const select = root.querySelector<HTMLSelectElement>('[data-testid="assess-month"]')!;
    await act(() => {
      select.value = select.options[2].value;
      select.dispatchEvent(new Event('change'));
    });
    for (let i = 0; i < 50 && !root.textContent?.includes('请联网后查看'); i++) await act(() => wait());
    expect(root.textContent).toContain('考核和需求数据不保存在手机上，请联网后查看。');
    expect(root.querySelector('[data-testid="assessment-row"]')).toBeNull();
    render(null, root);
  });

  it('says so when the month has nothing to assess', async () => {
    setLocale('zh-CN');
    officerAt(() => json(200, table([])));
    const root = document.createElement('div');
    await act(() => render(<AssessmentPage />, root));
    expect((await until(root, '[data-testid="assess-empty"]')).textContent).toContain('本月还没有可考核的工单');
    render(null, root);
  });
});

describe('红黑榜', () => {
  it('takes the three best and the three worst scores, worst first, each unit once', () => {
    const rows = [50, 90, 70, null, 60, 80, 40, 30].map((s, i) => row(i, `u${i}`, { score: s }));
    const { best, worst } = redBlack(rows);
    expect(best.map((r) => r.score)).toEqual([90, 80, 70]);
    expect(worst.map((r) => r.score)).toEqual([30, 40, 50]);
    const few = redBlack(rows.slice(0, 4));
    expect(few.best.map((r) => r.score)).toEqual([90, 70, 50]);
    expect(few.worst).toEqual([]);
  });

  it('is on the page', async () => {
    setLocale('zh-CN');
    officerAt(() => json(200, table([95, 85, 75, 65, 55, 45, 35].map((s, i) => row(i + 10, `街${i}`, { score: s, rank: i + 1 })))));
    const root = document.createElement('div');
    await act(() => render(<AssessmentPage />, root));
    await until(root, '[data-testid="rb-best"]');
    const names = (k: string) => [...root.querySelectorAll(`[data-testid="rb-${k}"] .rb-name`)].map((e) => e.textContent);
    expect(names('best')).toEqual(['街0', '街1', '街2']);
    expect(names('worst')).toEqual(['街6', '街5', '街4']);
    render(null, root);
  });
});

describe('export file names', () => {
  it('prefers filename* and falls back to filename', () => {
    expect(dispositionName(`attachment; filename="a.csv"; filename*=UTF-8''%E8%80%83%E6%A0%B8.csv`)).toBe('考核.csv');
    expect(dispositionName('attachment; filename="a.csv"')).toBe('a.csv');
    expect(dispositionName(null)).toBe('');
  });
});

function demand(): Demand {
  const cat = (code: string, zh: string) => ({ code, name_zh: zh, name_en: code });
  return {
    from: '2025-12-01',
    to: '2026-12-03',
    granularity: 'month',
    level: 'community',
    by: ['category', 'org'],
    periods: [{ period: '2026-11', starts_at: '2026-10-31T16:00:00Z', ends_at: '2026-11-30T16:00:00Z' }],
    series: [
      { period: '2026-11', category: cat('elderly_care', '养老'), org: { id: 3, name: '一社区' }, cases: 5, supporters: 0 },
      { period: '2026-11', category: cat('facility', '设施'), org: { id: 3, name: '一社区' }, cases: 2, supporters: 0 },
      { period: '2026-11', category: cat('facility', '设施'), org: { id: 5, name: '二社区' }, cases: 1, supporters: 0 },
    ],
    unmet_needs: [{ community: { id: 5, name: '二社区' }, category: cat('health', '医疗'), cases: 2, oldest_waiting_hours: 30.5, median_waiting_hours: 20 }],
    supply_vs_demand: [
      { community: { id: 3, name: '一社区' }, category: cat('facility', '设施'), providers: 1, capacity: 2, open_load: 2, open_demand: 3, unassigned_demand: 1, gap: 1 },
      { community: { id: 5, name: '二社区' }, category: cat('facility', '设施'), providers: 1, capacity: 5, open_load: 0, open_demand: 1, unassigned_demand: 1, gap: 0 },
    ],
    recurring_needs: [{ place: { kind: 'building', id: 7, name: '3号楼' }, category: cat('facility', '设施'), cases: 3, case_ids: ['c-1', 'c-2', 'c-3'], openable_case_ids: ['c-1', 'c-3'] }],
  };
}

describe('the demand page', () => {
  it('shows the community × category heat table and links each recurring need to its cases', async () => {
    setLocale('zh-CN');
    currentUser.value = { ...user(uniqueId(), 'dispatcher'), org_id: 3 };
    const { calls } = mockFetch(() => json(200, demand()));
    const root = document.createElement('div');
    await act(() => render(<DemandPage />, root));
    await until(root, '[data-testid="heat-table"]');
    const heatRows = [...root.querySelectorAll('[data-testid="heat-row"]')];
    expect(heatRows.map((r) => r.querySelector('th')?.textContent)).toEqual(['一社区', '二社区']);
    // Columns busiest first (养老 5, 设施 3); every cell carries its number, not only a colour.
    expect([...heatRows[0].querySelectorAll('[data-testid="heat-cell"]')].map((c) => c.textContent)).toEqual(['5', '2']);
    expect([...heatRows[1].querySelectorAll('[data-testid="heat-cell"]')].map((c) => c.textContent)).toEqual(['0', '1']);
    const links = [...root.querySelectorAll<HTMLAnchorElement>('[data-testid="recurring-case"]')];
    // Links only to the cases this reader may open; the others are said to be handled below.
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['/cases/c-1', '/cases/c-3']);
    expect(root.querySelector('[data-testid="recurring-below"]')?.textContent).toBe('另有 1 件在下级办理，您的账号不能打开。');
    expect(root.querySelector('[data-testid="recurring-item"]')?.textContent).toContain('3号楼');
    expect(root.querySelectorAll('tr.row-gap')).toHaveLength(1);
    expect(root.querySelector('[data-testid="unmet-table"]')?.textContent).toContain('30.5 小时');
    await until(root, '[data-testid="weekly"] table');
    const urls = calls.map((c) => new URL(c.url, 'http://x'));
    expect(urls.some((u) => u.searchParams.get('granularity') === 'week')).toBe(true);
    expect(urls.some((u) => u.searchParams.get('by') === 'category,org' && u.searchParams.get('level') === 'community')).toBe(true);
    render(null, root);
  });
});
