import type { Org, User } from '../../api/types';

/** The grids a grid worker covers: from the user when the server says, else from the org tree. */
export function myGrids(orgs: Org[] | undefined, user: User): Org[] {
  if (!orgs) return [];
  if (user.grid_ids?.length) {
    const ids = new Set(user.grid_ids.map(String));
    return orgs.filter((o) => ids.has(String(o.id)));
  }
  const own = String(user.org_id);
  return orgs.filter((o) => o.kind === 'grid' && (String(o.id) === own || String(o.parent_id) === own));
}
