// What the assessment screen computes from the server's rows: the drill-down query, the
// best and worst units (the best and worst list), sorting, and an area's rates over several rows.
import type { AssessmentArgs, AssessmentRow, GroupBy, OrgKind, OrgLevel } from '../../api/types';

/** The org level one below `kind`; null below a community (its rows are providers). */
export function childLevel(kind: OrgKind | undefined): OrgLevel | null {
  switch (kind) {
    case 'city':
      return 'district';
    case 'district':
      return 'street';
    case 'street':
      return 'community';
    default:
      return null;
  }
}

/** One step of the drill-down: an org the user opened, of the level its row was. */
export interface Crumb {
  id: number;
  name: string;
  kind: OrgLevel;
}

export interface View {
  group: GroupBy;
  trail: Crumb[];
  period: string;
  live: boolean;
}

/** The kind of the area now shown: the last crumb's, else the user's own org's. */
export function areaKind(rootKind: OrgKind | undefined, trail: Crumb[]): OrgKind | undefined {
  return trail.length ? trail[trail.length - 1].kind : rootKind;
}

export function queryOf(v: View, rootKind: OrgKind | undefined): AssessmentArgs {
  const q: AssessmentArgs = { group_by: v.group, period: v.period, view: v.live ? 'live' : 'published' };
  if (v.group === 'org') q.level = childLevel(areaKind(rootKind, v.trail)) ?? 'community';
  if (v.trail.length) q.org_id = v.trail[v.trail.length - 1].id;
  return q;
}

/** Open an org row: its children are the next level's orgs, a community's are its providers. */
export function drillInto(v: View, row: AssessmentRow, level: OrgLevel): View {
  const trail = [...v.trail, { id: row.unit.id, name: row.unit.name, kind: level }];
  return { ...v, trail, group: childLevel(level) ? 'org' : 'provider' };
}

/** Back up to crumb `i` (-1: the user's whole area). */
export function backTo(v: View, i: number, rootKind: OrgKind | undefined): View {
  const trail = v.trail.slice(0, i + 1);
  return { ...v, trail, group: childLevel(areaKind(rootKind, trail)) ? 'org' : 'provider' };
}

/** Best and worst list: the three best and three worst scores (worst first); a unit is in one list only. */
export function redBlack(rows: AssessmentRow[], n = 3): { best: AssessmentRow[]; worst: AssessmentRow[] } {
  const scored = rows.filter((r) => r.score !== null).sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  const best = scored.slice(0, n);
  const worst = scored.slice(best.length).slice(-n).reverse();
  return { best, worst };
}

export type SortKey =
  | 'rank'
  | 'unit'
  | 'score'
  | 'response_rate'
  | 'resolution_rate'
  | 'satisfaction_rate'
  | 'cases'
  | 'overdue'
  | 'bounces'
  | 'not_rated';

export interface Sort {
  key: SortKey;
  desc: boolean;
}

/** Rows ordered by one column; missing figures (no score, no data) always last. */
export function sortRows(rows: AssessmentRow[], sort: Sort, name: (r: AssessmentRow) => string): AssessmentRow[] {
  const value = (r: AssessmentRow): number | string | null => (sort.key === 'unit' ? name(r) : r[sort.key]);
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return sort.desc ? -c : c;
  });
}

export interface AreaRates {
  response: number | null;
  resolution: number | null;
  satisfaction: number | null;
  cases: number;
}

/** An area's three rates from its rows: numerators over denominators (no data → null, never 0). */
export function areaRates(rows: AssessmentRow[]): AreaRates {
  const sum = (k: keyof AssessmentRow) => rows.reduce((s, r) => s + ((r[k] as number) || 0), 0);
  const share = (num: number, den: number) => (den ? num / den : null);
  return {
    response: share(sum('accepted_on_time'), sum('due_for_acceptance')),
    resolution: share(sum('resolved'), sum('due_for_resolution')),
    satisfaction: share(sum('satisfied'), sum('ratings')),
    cases: sum('cases'),
  };
}
