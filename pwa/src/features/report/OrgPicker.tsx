import { useEffect, useMemo } from 'preact/hooks';
import type { Org } from '../../api/types';
import { orgName, t } from '../../i18n';

export interface OrgChoice {
  community: string;
  grid: string;
}

const key = (userId: string | number) => `linli.org.${userId}`;

export function rememberedOrg(userId: string | number): OrgChoice | null {
  try {
    const raw = localStorage.getItem(key(userId));
    return raw ? (JSON.parse(raw) as OrgChoice) : null;
  } catch {
    return null;
  }
}

export function rememberOrg(userId: string | number, choice: OrgChoice): void {
  try {
    localStorage.setItem(key(userId), JSON.stringify(choice));
  } catch {
    // private mode: not remembered
  }
}

/** The user's own org as a starting choice (a grid → its community too). */
export function defaultOrg(orgs: Org[], orgId: string | number | null): OrgChoice {
  const own = orgs.find((o) => String(o.id) === String(orgId));
  if (own?.kind === 'grid') return { community: String(own.parent_id ?? ''), grid: String(own.id) };
  if (own?.kind === 'community') return { community: String(own.id), grid: '' };
  return { community: '', grid: '' };
}

export function OrgPicker({
  orgs,
  value,
  onChange,
}: {
  orgs: Org[];
  value: OrgChoice;
  onChange: (v: OrgChoice) => void;
}) {
  const communities = useMemo(() => orgs.filter((o) => o.kind === 'community'), [orgs]);
  const grids = useMemo(
    () => orgs.filter((o) => o.kind === 'grid' && String(o.parent_id) === value.community),
    [orgs, value.community],
  );
  useEffect(() => {
    // Only one grid: no need to ask.
    if (value.community && !value.grid && grids.length === 1) onChange({ ...value, grid: String(grids[0].id) });
  }, [value.community, grids.length]);

  return (
    <div class="row2">
      <label class="field">
        <span>{t('report.community')}</span>
        <select
          data-testid="report-community"
          value={value.community}
          onChange={(e) => onChange({ community: e.currentTarget.value, grid: '' })}
        >
          <option value="">{t('report.chooseOrg')}</option>
          {communities.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {orgName(o)}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>{t('report.grid')}</span>
        <select
          data-testid="report-grid"
          value={value.grid}
          disabled={!grids.length}
          onChange={(e) => onChange({ ...value, grid: e.currentTarget.value })}
        >
          <option value="">{t('report.chooseOrg')}</option>
          {grids.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {orgName(o)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
