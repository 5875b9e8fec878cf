import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, type Category, type Org } from '../../api';
import { orgName, t, type MessageKey } from '../../i18n';
import { categoryLabel } from '../../ui/categories';
import { ErrorText, Page } from '../../ui/bits';
import { TextField } from '../../ui/form';
import { errorMessage, fieldErrorsByName } from '../../ui/problems';
import { currentUser } from '../auth/session';
import { consoleApi, type ManagedProvider } from './api';
import { ConsoleNav } from './ConsoleNav';
import { ProviderStaff } from './ProviderStaff';
import { depths, subtree } from './tree';

type ProviderType = ManagedProvider['type'];
const TYPES: ProviderType[] = ['government_department', 'state_enterprise', 'enterprise', 'social_organisation', 'volunteer_group'];

function typeLabel(type: ProviderType): string {
  return t(`providerType.${type}` as MessageKey);
}

function toggled(list: number[], id: number): number[];
function toggled(list: string[], id: string): string[];
function toggled(list: (number | string)[], id: number | string) {
  return list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
}

/** Create a provider, or edit one: type, categories, coverage (org nodes), capacity, contact. */
function ProviderForm({ provider, orgs, categories, onSaved }: { provider?: ManagedProvider; orgs: Org[]; categories: Category[]; onSaved: () => void }) {
  const [name, setName] = useState(provider?.name ?? '');
  const [type, setType] = useState<ProviderType>(provider?.type ?? 'social_organisation');
  const [codes, setCodes] = useState<string[]>(provider?.categories ?? []);
  const [coverage, setCoverage] = useState<number[]>(provider?.coverage ?? []);
  const [capacity, setCapacity] = useState(String(provider?.capacity ?? 50));
  const [contact, setContact] = useState(provider?.contact ?? '');
  const [error, setError] = useState<unknown>(null);
  const errors = fieldErrorsByName(error instanceof ApiError ? error.problem : undefined);
  const depth = useMemo(() => depths(orgs), [orgs]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body = { name: name.trim(), type, categories: codes, coverage, capacity: Number(capacity), contact: contact.trim() };
    try {
      await (provider ? consoleApi.updateProvider(provider.id, body) : consoleApi.createProvider({ ...body, active: true }));
      onSaved();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form class="form card-pad console-edit" onSubmit={submit} data-testid="provider-form">
      <TextField label={t('console.providerName')} required value={name} onValue={setName} errors={errors.name} data-testid="provider-name" />
      <label class="field">
        <span>{t('console.providerType')}</span>
        <select value={type} onChange={(e) => setType(e.currentTarget.value as ProviderType)} data-testid="provider-type">
          {TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {typeLabel(ty)}
            </option>
          ))}
        </select>
      </label>
      <fieldset class="field console-picks" data-testid="provider-categories">
        <legend>{t('console.providerCategories')}</legend>
        {categories.map((c) => (
          <label key={c.code} class="check">
            <input type="checkbox" checked={codes.includes(c.code)} onChange={() => setCodes(toggled(codes, c.code))} value={c.code} />
            {categoryLabel(c.code, categories)}
          </label>
        ))}
        {errors.categories && <span class="field-error">{errors.categories.join(' ')}</span>}
      </fieldset>
      <fieldset class="field console-picks console-tree" data-testid="provider-coverage">
        <legend>{t('console.providerCoverage')}</legend>
        {orgs.map((o) => (
          <label key={o.id} class="check" style={{ paddingInlineStart: `${Math.min(depth.get(o.id) ?? 0, 4)}rem` }}>
            <input type="checkbox" checked={coverage.includes(o.id)} onChange={() => setCoverage(toggled(coverage, o.id))} value={String(o.id)} />
            {orgName(o)}
          </label>
        ))}
        {errors.coverage && <span class="field-error">{errors.coverage.join(' ')}</span>}
      </fieldset>
      <TextField label={t('console.providerCapacity')} type="number" min="1" required value={capacity} onValue={setCapacity} errors={errors.capacity} data-testid="provider-capacity" />
      <TextField label={t('console.providerContact')} value={contact} onValue={setContact} errors={errors.contact} data-testid="provider-contact" />
      {error && !Object.keys(errors).length ? <ErrorText error={error} /> : null}
      <button class="btn btn-primary" type="submit" data-testid="provider-submit">
        {provider ? t('console.save') : t('console.createProvider')}
      </button>
    </form>
  );
}

function ProviderItem({ provider, orgs, byId, categories, onSaved }: { provider: ManagedProvider; orgs: Org[]; byId: Map<number, Org>; categories: Category[]; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [staff, setStaff] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const toggle = async () => {
    setError(null);
    try {
      await consoleApi.updateProvider(provider.id, { active: !provider.active });
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <li class="card card-pad console-row" data-testid="provider-item" data-name={provider.name} data-active={String(provider.active)}>
      <span class="console-main">
        <strong>{provider.name}</strong>
        <span class="muted">{typeLabel(provider.type)}</span>
        <span class="muted">{provider.coverage.map((id) => orgName(byId.get(id))).join('、')}</span>
        <span data-testid="provider-load">{t('console.providerLoad', { open: provider.open_cases, capacity: provider.capacity })}</span>
        {!provider.active && <span class="badge">{t('console.inactive')}</span>}
      </span>
      <span class="console-actions">
        <button type="button" class="btn btn-secondary" onClick={() => setEditing(!editing)} data-testid="provider-edit">
          {editing ? t('common.cancel') : t('console.edit')}
        </button>
        <button type="button" class="btn btn-secondary" aria-expanded={staff} onClick={() => setStaff(!staff)} data-testid="provider-staff-open">
          {staff ? t('staff.hide') : t('staff.show')}
        </button>
        <button type="button" class="btn btn-secondary" onClick={() => void toggle()} data-testid="provider-toggle">
          {provider.active ? t('console.deactivate') : t('console.reactivate')}
        </button>
      </span>
      {editing && <ProviderForm provider={provider} orgs={orgs} categories={categories} onSaved={onSaved} />}
      {staff && <ProviderStaff provider={provider} orgs={orgs} byId={byId} />}
      {error ? <p class="error" role="alert">{errorMessage(error)}</p> : null}
    </li>
  );
}

export default function ProvidersPage() {
  const me = currentUser.value;
  const [providers, setProviders] = useState<ManagedProvider[] | null>(null);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [categories, setCategories] = useState<Category[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const load = () => consoleApi.providers().then(setProviders, setError);
  useEffect(() => {
    void load();
    consoleApi.orgs().then(setOrgs, setError);
    api.categories().then(setCategories, setError);
  }, []);
  const mine = useMemo(() => (me ? subtree(orgs, me.org_id) : []), [orgs, me]);
  const byId = useMemo(() => new Map(orgs.map((o) => [o.id, o])), [orgs]);
  const saved = () => {
    setCreating(false);
    void load();
  };

  return (
    <Page title={t('console.providers')} wide actions={<ConsoleNav />}>
      <button class="btn btn-secondary" type="button" onClick={() => setCreating(!creating)} data-testid="provider-new">
        {creating ? t('common.cancel') : t('console.newProvider')}
      </button>
      {creating && mine.length > 0 && <ProviderForm orgs={mine} categories={categories} onSaved={saved} />}
      {error ? <ErrorText error={error} /> : null}
      {providers === null && !error && <p class="muted">{t('common.loading')}</p>}
      {providers?.length === 0 && <p class="note">{t('console.noProviders')}</p>}
      <ul class="list" data-testid="provider-list">
        {(providers ?? []).map((p) => (
          <ProviderItem key={`${p.id}-${p.active}-${p.capacity}-${p.name}`} provider={p} orgs={mine} byId={byId} categories={categories} onSaved={saved} />
        ))}
      </ul>
    </Page>
  );
}
