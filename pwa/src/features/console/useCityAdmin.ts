import { useMemo } from 'preact/hooks';
import { reads } from '../../offline/cache';
import { useResource } from '../../ui/useResource';
import { currentUser } from '../auth/session';
import { isCityOrg } from './tree';

/** Whether the signed-in admin may change city-wide settings (the others read them). */
export function useCityAdmin(): boolean {
  const orgs = useResource(useMemo(() => reads.orgs(), []));
  return isCityOrg(orgs.data, currentUser.value?.org_id);
}
