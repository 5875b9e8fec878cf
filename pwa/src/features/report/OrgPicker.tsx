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

export const communitiesOf = (orgs: Org[]) => orgs.filter((o) => o.kind === 'community');
export const gridsOf = (orgs: Org[], community: string) =>
  orgs.filter((o) => o.kind === 'grid' && String(o.parent_id) === community);

/** One level of the org tree as a labelled `<select>` of org ids, "choose" first. */
export function OrgSelect({
  label,
  testid,
  orgs,
  value,
  onChange,
  required,
  disabled,
}: {
  label: string;
  testid: string;
  orgs: Org[];
  value: string;
  onChange: (id: string) => void;
  required?: boolean;
  disabled?: boolean;
}) {
  return (
    <label class="field">
      <span>{label}</span>
      <select
        data-testid={testid}
        required={required}
        disabled={disabled}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        <option value="">{t('report.chooseOrg')}</option>
        {orgs.map((o) => (
          <option key={o.id} value={String(o.id)}>
            {orgName(o)}
          </option>
        ))}
      </select>
    </label>
  );
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
  const communities = useMemo(() => communitiesOf(orgs), [orgs]);
  const grids = useMemo(() => gridsOf(orgs, value.community), [orgs, value.community]);
  useEffect(() => {
    // Only one grid: no need to ask.
    if (value.community && !value.grid && grids.length === 1) onChange({ ...value, grid: String(grids[0].id) });
  }, [value.community, grids.length]);

  return (
    <div class="row2">
      <OrgSelect
        label={t('report.community')}
        testid="report-community"
        orgs={communities}
        value={value.community}
        onChange={(community) => onChange({ community, grid: '' })}
      />
      <OrgSelect
        label={t('report.grid')}
        testid="report-grid"
        orgs={grids}
        value={value.grid}
        disabled={!grids.length}
        onChange={(grid) => onChange({ ...value, grid })}
      />
    </div>
  );
}
