import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type Org, type OrgKind } from '../../api';
import { orgName, t, type MessageKey } from '../../i18n';
import { ErrorText, Page } from '../../ui/bits';
import { TextField } from '../../ui/form';
import { errorMessage, fieldErrorsByName } from '../../ui/problems';
import { currentUser } from '../auth/session';
import { consoleApi } from './api';
import { ConsoleNav } from './ConsoleNav';
import { GridHomes } from './GridHomes';
import { subtree } from './tree';

const PARENT_KIND: Record<OrgKind, OrgKind | null> = {
  city: null,
  district: 'city',
  street: 'district',
  community: 'street',
  grid: 'community',
};

/** A change to the tree, made when its form is sent. */
interface Change {
  (): Promise<unknown>;
}

function kindLabel(kind: OrgKind): string {
  return t(`level.${kind}` as MessageKey);
}

function depthOf(org: Org, byId: Map<number, Org>): number {
  let depth = 0;
  for (let p = org.parent_id; p !== null && byId.has(p); p = byId.get(p)?.parent_id ?? null) depth++;
  return depth;
}

/** One node: rename, move under another parent of the right kind, (de)activate, add a child. */
function OrgItem({ org, depth, nodes, own, onSaved }: { org: Org; depth: number; nodes: Org[]; own: boolean; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [homes, setHomes] = useState(false);
  const [name, setName] = useState(org.name);
  const [parentId, setParentId] = useState(String(org.parent_id ?? ''));
  const [childCode, setChildCode] = useState('');
  const [childName, setChildName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const errors = fieldErrorsByName(error instanceof ApiError ? error.problem : undefined);
  const parents = nodes.filter((n) => n.kind === PARENT_KIND[org.kind]);

  const run = async (e: Event, fn: Change) => {
    e.preventDefault();
    setError(null);
    try {
      await fn();
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const save = (e: Event) =>
    run(e, () =>
      consoleApi.updateOrg(org.id, {
        ...(name.trim() !== org.name ? { name: name.trim() } : {}),
        ...(!own && Number(parentId) !== org.parent_id ? { parent_id: Number(parentId) } : {}),
      }),
    );
  const toggle = (e: Event) => run(e, () => consoleApi.updateOrg(org.id, { active: !org.active }));
  const addChild = (e: Event) =>
    run(e, async () => {
      await consoleApi.createOrg({ parent_id: org.id, code: childCode.trim(), name: childName.trim(), name_en: '' });
      setOpen(false);
      setChildCode('');
      setChildName('');
    });

  return (
    <li class="card card-pad console-row" style={{ marginInlineStart: `${Math.min(depth, 4)}rem` }} data-testid="org-item" data-code={org.code} data-active={String(org.active)}>
      <span class="console-main">
        <strong>{orgName(org)}</strong>
        <span class="muted">{[kindLabel(org.kind), org.code].join(' · ')}</span>
        {!org.active && <span class="badge">{t('console.inactive')}</span>}
      </span>
      <span class="console-actions">
        <button type="button" class="btn btn-secondary" onClick={() => setOpen(!open)} data-testid="org-edit">
          {open ? t('common.cancel') : t('console.edit')}
        </button>
        {org.kind === 'grid' && (
          <button type="button" class="btn btn-secondary" aria-expanded={homes} onClick={() => setHomes(!homes)} data-testid="org-homes">
            {homes ? t('homes.hide') : t('homes.show')}
          </button>
        )}
        {!own && (
          <button type="button" class="btn btn-secondary" onClick={toggle} data-testid="org-toggle">
            {org.active ? t('console.deactivate') : t('console.reactivate')}
          </button>
        )}
      </span>
      {open && (
        <form class="form console-edit" onSubmit={save} data-testid="org-form">
          <TextField label={t('console.orgName')} required value={name} onValue={setName} errors={errors.name} data-testid="org-name" />
          {!own && parents.length > 0 && (
            <label class="field">
              <span>{t('console.parent')}</span>
              <select value={parentId} onChange={(e) => setParentId(e.currentTarget.value)} data-testid="org-parent">
                {parents.map((p) => (
                  <option key={p.id} value={String(p.id)}>
                    {orgName(p)}
                  </option>
                ))}
              </select>
              {errors.parent_id && <span class="field-error">{errors.parent_id.join(' ')}</span>}
            </label>
          )}
          <button class="btn btn-primary" type="submit" data-testid="org-save">
            {t('console.save')}
          </button>
        </form>
      )}
      {open && org.kind !== 'grid' && (
        <form class="form console-edit" onSubmit={addChild} data-testid="org-child-form">
          <TextField label={t('console.childCode')} required value={childCode} onValue={setChildCode} errors={errors.code} data-testid="org-child-code" />
          <TextField label={t('console.childName')} required value={childName} onValue={setChildName} data-testid="org-child-name" />
          <button class="btn btn-primary" type="submit" data-testid="org-child-submit">
            {t('console.addChild')}
          </button>
        </form>
      )}
      {homes && <GridHomes grid={org} />}
      {error && !Object.keys(errors).length ? <p class="error" role="alert">{errorMessage(error)}</p> : null}
    </li>
  );
}

export default function OrgsPage() {
  const me = currentUser.value;
  const [orgs, setOrgs] = useState<Org[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => consoleApi.orgs().then(setOrgs, setError);
  useEffect(() => void load(), []);
  const nodes = useMemo(() => (me && orgs ? subtree(orgs, me.org_id) : []), [orgs, me]);
  const byId = useMemo(() => new Map(nodes.map((o) => [o.id, o])), [nodes]);

  return (
    <Page title={t('console.orgs')} wide actions={<ConsoleNav />}>
      <p class="muted">{t('console.orgsHint')}</p>
      {error ? <ErrorText error={error} /> : null}
      {orgs === null && !error && <p class="muted">{t('common.loading')}</p>}
      <ul class="list" data-testid="org-list">
        {nodes.map((o) => (
          <OrgItem key={`${o.id}-${o.parent_id}-${o.name}-${o.active}`} org={o} depth={depthOf(o, byId)} nodes={nodes} own={o.id === me?.org_id} onSaved={() => void load()} />
        ))}
      </ul>
    </Page>
  );
}
