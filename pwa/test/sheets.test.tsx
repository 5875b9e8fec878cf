// Import and export: the progress while a file goes up and the server works, the dry run's
// refused rows in the user's words, the confirm step, and a file that is not a sheet.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { signedInWithSync } from './helpers';
import { ApiError, api, type SheetPlan, type UploadProgress } from '../src/api';
import { setLocale } from '../src/i18n';
import SheetsPage from '../src/features/sheets/SheetsPage';
import { problemText } from '../src/features/sheets/SheetTable';

signedInWithSync();
afterEach(() => vi.restoreAllMocks());

const wait = (ms = 10) => new Promise<void>((r) => setTimeout(r, ms));

function plan(rows: SheetPlan['rows'], counts: Partial<SheetPlan['counts']> = {}): SheetPlan {
  return { kind: 'households', columns: [], counts: { create: 0, change: 0, unchanged: 0, refuse: 0, ...counts }, rows };
}

function choose(root: HTMLElement, name = 'homes.xlsx') {
  const input = root.querySelector<HTMLInputElement>('[data-testid=sheet-file]')!;
  Object.defineProperty(input, 'files', { value: [new File(['x'], name)], configurable: true });
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('sheets page', () => {
  it('shows the upload share, then that the server checks, then the dry run with its refused row', async () => {
    let report: (p: UploadProgress) => void = () => undefined;
    let answer: (p: SheetPlan) => void = () => undefined;
    const upload = vi.spyOn(api, 'sheetUpload').mockImplementation((_kind, _step, _file, onProgress) => {
      report = onProgress;
      return new Promise<SheetPlan>((resolve) => (answer = resolve));
    });
    const root = document.createElement('div');
    render(<SheetsPage />, root);
    expect(root.textContent).toContain('还没有选择文件');

    await act(async () => choose(root));
    await act(async () => report({ fraction: 0.42, sent: false }));
    const bar = root.querySelector<HTMLProgressElement>('[data-testid=sheet-progress] progress')!;
    expect(root.querySelector('[data-testid=sheet-progress]')!.textContent).toContain('正在上传 42%');
    expect(bar.value).toBeCloseTo(0.42);
    await act(async () => report({ fraction: 1, sent: true }));
    expect(root.querySelector('[data-testid=sheet-progress]')!.textContent).toContain('正在预检');
    expect(upload).toHaveBeenCalledWith('households', 'plan', expect.any(File), expect.any(Function));

    await act(async () => {
      answer(
        plan(
          [
            { row: 2, key: 'g / 1号楼 / 101', action: 'create', changes: [], problems: [] },
            { row: 3, key: 'x / 1号楼 / 102', action: 'refuse', changes: [], problems: [{ code: 'unknown_org', column: 'grid', params: {} }] },
          ],
          { create: 1, refuse: 1 },
        ),
      );
      await wait();
    });
    expect(root.querySelector('[data-testid=sheet-progress]')).toBeNull();
    const rows = [...root.querySelectorAll<HTMLElement>('[data-testid=sheet-row]')];
    expect(rows.map((r) => r.dataset.action)).toEqual(['refuse', 'create']); // refused first
    expect(rows[0].textContent).toContain('网格编码：组织编码不存在');
    expect(root.querySelector('[data-testid=sheet-refused-note]')!.textContent).toContain('有 1 行被拒绝');
    expect(root.querySelector('[data-testid=sheet-confirm]')).toBeNull();
  });

  it('imports a clean file on confirm and says what it wrote', async () => {
    const clean = plan([{ row: 2, key: 'g / 1号楼 / 101', action: 'create', changes: [], problems: [] }], { create: 1 });
    const upload = vi.spyOn(api, 'sheetUpload').mockResolvedValue(clean);
    const root = document.createElement('div');
    render(<SheetsPage />, root);

    await act(async () => {
      choose(root);
      await wait();
    });
    await act(async () => {
      root.querySelector<HTMLButtonElement>('[data-testid=sheet-confirm]')!.click();
      await wait();
    });

    expect(upload.mock.calls.map((c) => c[1])).toEqual(['plan', 'import']);
    expect(root.querySelector('[data-testid=sheet-imported]')!.textContent).toBe('导入完成：新建 1 行，修改 0 行。');
  });

  it('words a file that is not a sheet by its code, in English too', async () => {
    const problem = { type: 'https://linli.example.org/problems/sheet-unreadable', status: 422, sheet: { code: 'wrong_headers', missing: ['楼栋', '单元门牌'] } };
    vi.spyOn(api, 'sheetUpload').mockRejectedValue(new ApiError(422, problem as never));
    setLocale('en');
    const root = document.createElement('div');
    render(<SheetsPage />, root);

    await act(async () => {
      choose(root);
      await wait();
    });

    expect(root.querySelector('[data-testid=sheet-file-problem]')!.textContent).toBe(
      "Wrong header row; missing: 楼栋, 单元门牌. Use this kind of sheet's template.",
    );
  });

  it('names the values at fault after the words', () => {
    expect(problemText({ code: 'outside_area', column: 'coverage', params: { values: ['t-cb', 't-cc'] } })).toBe(
      '覆盖范围：不在您管理的范围内：t-cb、t-cc',
    );
    expect(problemText({ code: 'something_new', column: null, params: {} })).toBe('这一行不能导入');
  });
});
