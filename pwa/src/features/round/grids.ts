import type { Org, User } from '../../api/types';

/** The grids a grid worker covers: their own grid, or the grids under their community. */
export function myGrids(orgs: Org[] | undefined, user: User): Org[] {
  if (!orgs) return [];
  const own = String(user.org_id);
  return orgs.filter((o) => o.kind === 'grid' && (String(o.id) === own || String(o.parent_id) === own));
}
