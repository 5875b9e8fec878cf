// What the demand screen derives from the server's series: the community × category counts
// of the heat table and the weekly totals of the chart.
import type { SeriesRow } from '../../api/types';

export interface Heat {
  rows: { id: number; name: string; total: number; cells: Map<string, number> }[];
  /** Categories, most asked for first. */
  columns: { code: string; name_zh: string; name_en: string; total: number }[];
  max: number;
}

/** Cases per community × category over all periods of the series (rows and columns busiest first). */
export function heat(series: SeriesRow[]): Heat {
  const rows = new Map<number, Heat['rows'][number]>();
  const columns = new Map<string, Heat['columns'][number]>();
  for (const s of series) {
    if (!s.org || !s.category || !s.cases) continue;
    let row = rows.get(s.org.id);
    if (!row) rows.set(s.org.id, (row = { id: s.org.id, name: s.org.name, total: 0, cells: new Map() }));
    row.total += s.cases;
    row.cells.set(s.category.code, (row.cells.get(s.category.code) ?? 0) + s.cases);
    let col = columns.get(s.category.code);
    if (!col) columns.set(s.category.code, (col = { ...s.category, total: 0 }));
    col.total += s.cases;
  }
  let max = 0;
  for (const r of rows.values()) for (const n of r.cells.values()) max = Math.max(max, n);
  const byTotal = <T extends { total: number }>(a: T, b: T) => b.total - a.total;
  return { rows: [...rows.values()].sort(byTotal), columns: [...columns.values()].sort(byTotal), max };
}

/** A cell's colour strength between 0 (none) and 1 (the busiest cell). */
export function intensity(n: number, max: number): number {
  return n > 0 && max > 0 ? 0.12 + 0.88 * (n / max) : 0;
}

export interface Weekly {
  periods: string[];
  total: number[];
  /** The busiest categories over the range, each with its count per period. */
  top: { code: string; name_zh: string; name_en: string; values: number[] }[];
}

export function weekly(periods: string[], series: SeriesRow[], topN = 3): Weekly {
  const index = new Map(periods.map((p, i) => [p, i]));
  const total = periods.map(() => 0);
  const cats = new Map<string, Weekly['top'][number] & { sum: number }>();
  for (const s of series) {
    const i = index.get(s.period);
    if (i === undefined) continue;
    total[i] += s.cases;
    if (!s.category) continue;
    let c = cats.get(s.category.code);
    if (!c) cats.set(s.category.code, (c = { ...s.category, values: periods.map(() => 0), sum: 0 }));
    c.values[i] += s.cases;
    c.sum += s.cases;
  }
  const top = [...cats.values()]
    .sort((a, b) => b.sum - a.sum)
    .slice(0, topN)
    .map(({ sum: _sum, ...c }) => c);
  return { periods, total, top };
}
