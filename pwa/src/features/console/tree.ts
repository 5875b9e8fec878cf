import type { Org } from '../../api';

/** `rootId` and every org below it, in tree order (the flat list comes sorted by path). */
export function subtree(orgs: Org[], rootId: number): Org[] {
  const inside = new Set<number>([rootId]);
  return orgs.filter((o) => {
    if (o.id === rootId || (o.parent_id !== null && inside.has(o.parent_id))) {
      inside.add(o.id);
      return true;
    }
    return false;
  });
}

/** Each org's depth below the top of `orgs` (for indenting a picker of the tree). */
export function depths(orgs: Org[]): Map<number, number> {
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const d = (o: Org): number => (o.parent_id !== null && byId.has(o.parent_id) ? 1 + d(byId.get(o.parent_id) as Org) : 0);
  return new Map(orgs.map((o) => [o.id, d(o)]));
}

/** Whether `orgId` is the city itself: its admin changes the city-wide settings. */
export function isCityOrg(orgs: Org[] | undefined, orgId: number | undefined): boolean {
  return orgs?.find((o) => o.id === orgId)?.kind === 'city';
}
