// The responsibility list: per category and area, the standing lead unit and co-units that
// calling in co-units on such a case starts from. It does not route new cases.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Category, type Org, type Provider } from '../../api';
import { orgName, t } from '../../i18n';
import { categoryLabel } from '../../ui/categories';
import { ErrorText, Page } from '../../ui/bits';
import { TextField } from '../../ui/form';
import { currentUser } from '../auth/session';
import { consoleApi, type Responsibility } from './api';
import { ConsoleNav } from './ConsoleNav';
import { depths, subtree } from './tree';
import { useRun } from './useRun';

const CITY_WIDE = '';

function DutyForm({ line, orgs, cityAdmin, categories, onSaved }: {
  line?: Responsibility;
  orgs: Org[];
  cityAdmin: boolean;
  categories: Category[];
  onSaved: () => void;
}) {
  const [category, setCategory] = useState(line?.category ?? categories[0]?.code ?? '');
  const [orgId, setOrgId] = useState(line ? String(line.org_id ?? CITY_WIDE) : String(orgs[0]?.id ?? ''));
  const [lead, setLead] = useState(String(line?.lead_provider_id ?? ''));
  const [co, setCo] = useState<number[]>(line?.co_provider_ids ?? []);
  const [note, setNote] = useState(line?.note ?? '');
  const [providers, setProviders] = useState<Provider[] | null>(null);
  const { fields, general, run } = useRun();
  const depth = useMemo(() => depths(orgs), [orgs]);
  useEffect(() => {
    setProviders(null);
    consoleApi.providersIn(orgId === CITY_WIDE ? null : Number(orgId)).then(setProviders, () => setProviders([]));
  }, [orgId]);
  const submit = async (e: Event) => {
    const body = {
      category,
      org_id: orgId === CITY_WIDE ? null : Number(orgId),
      lead_provider_id: Number(lead),
      co_provider_ids: co.filter((id) => id !== Number(lead)),
      note: note.trim(),
    };
    if (await run(() => consoleApi.setResponsibility(body), e)) onSaved();
  };
  const choices = providers ?? [];
  return (
    <form class="form card-pad console-edit" onSubmit={submit} data-testid="duty-form">
      <label class="field">
        <span>{t('duties.category')}</span>
        <select value={category} disabled={!!line} onChange={(e) => setCategory(e.currentTarget.value)} data-testid="duty-category">
          {categories.map((c) => (
            <option key={c.code} value={c.code}>
              {categoryLabel(c.code, categories)}
            </option>
          ))}
        </select>
        {fields.category && <span class="field-error">{fields.category.join(' ')}</span>}
      </label>
      <label class="field">
        <span>{t('duties.area')}</span>
        <select value={orgId} disabled={!!line} onChange={(e) => setOrgId(e.currentTarget.value)} data-testid="duty-org">
          {cityAdmin && <option value={CITY_WIDE}>{t('duties.cityWide')}</option>}
          {orgs.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {'\u3000'.repeat(Math.min(depth.get(o.id) ?? 0, 4))}
              {orgName(o)}
            </option>
          ))}
        </select>
        {fields.org_id && <span class="field-error">{fields.org_id.join(' ')}</span>}
      </label>
      {providers !== null && choices.length === 0 && <p class="note">{t('duties.noProviders')}</p>}
      <label class="field">
        <span>{t('duties.lead')}</span>
        <select value={lead} required onChange={(e) => setLead(e.currentTarget.value)} data-testid="duty-lead">
          <option value="">{t('duties.pickLead')}</option>
          {choices.map((p) => (
            <option key={p.id} value={String(p.id)}>
              {p.name}
            </option>
          ))}
        </select>
        {fields.lead_provider_id && <span class="field-error">{fields.lead_provider_id.join(' ')}</span>}
      </label>
      <fieldset class="field console-picks" data-testid="duty-co">
        <legend>{t('duties.co')}</legend>
        {choices
          .filter((p) => String(p.id) !== lead)
          .map((p) => (
            <label key={p.id} class="check">
              <input type="checkbox" value={String(p.id)} checked={co.includes(p.id)} onChange={() => setCo(co.includes(p.id) ? co.filter((x) => x !== p.id) : [...co, p.id])} />
              {p.name}
            </label>
          ))}
        {fields.co_provider_ids && <span class="field-error">{fields.co_provider_ids.join(' ')}</span>}
      </fieldset>
      <TextField label={t('duties.note')} value={note} onValue={setNote} errors={fields.note} data-testid="duty-note" />
      {!line && <p class="muted">{t('duties.replaces')}</p>}
      {general ? <ErrorText error={general} /> : null}
      <button class="btn btn-primary" type="submit" data-testid="duty-submit">
        {t('console.save')}
      </button>
    </form>
  );
}

function DutyItem({ line, names, orgs, cityAdmin, categories, byId, onSaved }: {
  line: Responsibility;
  names: Map<number, string>;
  orgs: Org[];
  cityAdmin: boolean;
  categories: Category[];
  byId: Map<number, Org>;
  onSaved: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const { general, run } = useRun();
  const name = (id: number) => names.get(id) ?? `#${id}`;
  const remove = async () => {
    if (await run(() => consoleApi.removeResponsibility(line.id))) onSaved();
  };
  return (
    <li class="card card-pad console-row" data-testid="duty-item" data-category={line.category} data-org={String(line.org_id ?? '')}>
      <span class="console-main">
        <strong>
          {categoryLabel(line.category, categories)} · {line.org_id === null ? t('duties.cityWide') : orgName(byId.get(line.org_id))}
        </strong>
        <span data-testid="duty-lead-name">{t('duties.leadIs', { name: name(line.lead_provider_id) })}</span>
        {line.co_provider_ids.length > 0 && <span class="muted">{t('duties.coAre', { names: line.co_provider_ids.map(name).join(t('common.listSep')) })}</span>}
        {line.note && <span class="muted">{line.note}</span>}
      </span>
      <span class="console-actions">
        <button type="button" class="btn btn-secondary" onClick={() => setEditing(!editing)} data-testid="duty-edit">
          {editing ? t('common.cancel') : t('console.edit')}
        </button>
        {confirming ? (
          <button type="button" class="btn btn-danger" onClick={() => void remove()} data-testid="duty-remove-confirm">
            {t('homes.deleteConfirm')}
          </button>
        ) : (
          <button type="button" class="btn btn-secondary" onClick={() => setConfirming(true)} data-testid="duty-remove">
            {t('homes.delete')}
          </button>
        )}
      </span>
      {editing && <DutyForm line={line} orgs={orgs} cityAdmin={cityAdmin} categories={categories} onSaved={onSaved} />}
      {general ? <ErrorText error={general} /> : null}
    </li>
  );
}

export default function DutiesPage() {
  const me = currentUser.value;
  const [lines, setLines] = useState<Responsibility[] | null>(null);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [categories, setCategories] = useState<Category[]>([]);
  const [providers, setProviders] = useState<Provider[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const load = () => {
    consoleApi.responsibilities().then(setLines, setError);
    // Names of every unit a line may name (a city-wide department, too).
    consoleApi.providersIn(null).then(setProviders, setError);
  };
  useEffect(() => {
    load();
    consoleApi.orgs().then(setOrgs, setError);
    api.categories().then(setCategories, setError);
  }, []);
  const mine = useMemo(() => (me ? subtree(orgs, me.org_id) : []), [orgs, me]);
  const byId = useMemo(() => new Map(orgs.map((o) => [o.id, o])), [orgs]);
  const names = useMemo(() => new Map(providers.map((p) => [p.id, p.name])), [providers]);
  const cityAdmin = byId.get(me?.org_id ?? -1)?.parent_id === null;
  const saved = () => {
    setCreating(false);
    load();
  };
  const ready = mine.length > 0 && categories.length > 0;

  return (
    <Page title={t('console.duties')} wide actions={<ConsoleNav />}>
      <p class="muted" data-testid="duties-hint">{t('duties.hint')}</p>
      <button class="btn btn-secondary" type="button" onClick={() => setCreating(!creating)} data-testid="duty-new">
        {creating ? t('common.cancel') : t('duties.new')}
      </button>
      {creating && ready && <DutyForm orgs={mine} cityAdmin={cityAdmin} categories={categories} onSaved={saved} />}
      {error ? <ErrorText error={error} /> : null}
      {lines === null && !error && <p class="muted">{t('common.loading')}</p>}
      {lines?.length === 0 && <p class="note">{t('duties.empty')}</p>}
      <ul class="list" data-testid="duty-list">
        {(lines ?? []).map((l) => (
          <DutyItem key={`${l.id}-${l.lead_provider_id}-${l.co_provider_ids.join()}-${l.note}`} line={l} names={names} orgs={mine} cityAdmin={cityAdmin} categories={categories} byId={byId} onSaved={saved} />
        ))}
      </ul>
    </Page>
  );
}
