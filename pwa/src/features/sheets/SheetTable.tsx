// A sheet's dry run (or refused import) as a table: refused rows first with their reasons,
// then what would be created or changed. The server's codes are worded here.
import type { Problem, SheetPlan, SheetRefused, SheetRow, SheetRowProblem, SheetUnreadable } from '../../api';
import { hasKey, t } from '../../i18n';
import { problemMessage } from '../../ui/problems';

/** A city's file can hold 50,000 rows: the table lists the first ones, the counts say the rest. */
export const SHOWN_ROWS = 200;

function listed(value: unknown): string {
  return Array.isArray(value) ? value.join(t('common.listSep')) : String(value ?? '');
}

function columnName(key: string | null | undefined): string {
  const k = `sheets.column.${key ?? ''}`;
  return hasKey(k) ? t(k) : '';
}

export function problemText(p: SheetRowProblem): string {
  const key = `sheets.problem.${p.code}`;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(p.params ?? {})) params[name] = listed(value);
  // The values at fault follow the words ("outside your area: t-cb").
  params.values = params.values ? t('sheets.values', { values: params.values }) : '';
  const message = hasKey(key) ? t(key, params) : t('sheets.problem.other');
  const column = columnName(p.column);
  return column ? t('sheets.onColumn', { column, message }) : message;
}

function detail(row: SheetRow): string[] {
  if (row.problems.length) return row.problems.map(problemText);
  return row.changes.map((c) =>
    t('sheets.changed', {
      column: columnName(c.column),
      before: c.before === '' || c.before === null ? t('sheets.blank') : String(c.before),
      after: c.after === '' || c.after === null ? t('sheets.blank') : String(c.after),
    }),
  );
}

/** The refused rows of an import's 422, as a plan to show; null for any other problem. */
export function refusedRows(problem: Problem): Pick<SheetPlan, 'counts' | 'rows' | 'columns'> | null {
  const p = problem as Partial<SheetRefused>;
  if (!p.type?.endsWith('/sheet-refused') || !p.rows || !p.counts) return null;
  return { counts: p.counts, rows: p.rows, columns: [] };
}

/** What is wrong with a file as a whole (not a spreadsheet, wrong headers, empty). */
export function fileProblemMessage(problem: Problem): string {
  if (problem.type?.endsWith('/sheet-conflict')) return t('sheets.conflict');
  const sheet = (problem as Partial<SheetUnreadable>).sheet as Record<string, unknown> | undefined;
  const key = `sheets.file.${String(sheet?.code)}`;
  if (sheet && hasKey(key)) {
    return t(key, { missing: listed(sheet.missing), max: String(sheet.max ?? '') });
  }
  return problemMessage(problem.status, problem);
}

export function SheetTable({ plan }: { plan: Pick<SheetPlan, 'counts' | 'rows'> }) {
  const rows = [...plan.rows].sort((a, b) => Number(b.action === 'refuse') - Number(a.action === 'refuse') || a.row - b.row);
  const shown = rows.slice(0, SHOWN_ROWS);
  if (!rows.length) return null;
  return (
    <>
      <div class="table-wrap table-short" tabIndex={0} role="region" aria-label={t('sheets.tableLabel')}>
        <table class="data sheet-table" data-testid="sheet-table">
          <thead>
            <tr>
              <th scope="col" class="num">
                {t('sheets.col.row')}
              </th>
              <th scope="col">{t('sheets.col.action')}</th>
              <th scope="col">{t('sheets.col.key')}</th>
              <th scope="col">{t('sheets.col.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.row} data-testid="sheet-row" data-action={row.action} class={`sheet-${row.action}`}>
                <td class="num">{row.row}</td>
                <td>
                  <span class={`sheet-action sheet-action-${row.action}`}>{t(`sheets.action.${row.action}`)}</span>
                </td>
                <td class="sheet-key">{row.key}</td>
                <td class="sheet-detail">
                  {detail(row).map((line) => (
                    <div key={line}>{line}</div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > shown.length && (
        <p class="muted">{t('sheets.more', { n: rows.length - shown.length, total: rows.length })}</p>
      )}
    </>
  );
}
