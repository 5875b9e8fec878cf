import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Category } from '../../api';
import { t } from '../../i18n';
import { ErrorText, Page } from '../../ui/bits';
import { categoryLabel } from '../../ui/categories';
import { FieldError } from '../../ui/form';
import { fieldErrorsByName } from '../../ui/problems';
import { consoleApi, type SlaPolicy } from './api';
import { ConsoleNav } from './ConsoleNav';
import { useCityAdmin } from './useCityAdmin';

type Priority = SlaPolicy['priority'];
type Unit = 'hours' | 'days';
const PRIORITIES: Priority[] = ['normal', 'urgent'];
const MINUTES: Record<Unit, number> = { hours: 60, days: 1440 };
// What the clocks use with no row at all (escalation/service.py DEFAULT_DURATIONS), in minutes.
const BUILT_IN: Record<Priority, [number, number]> = { urgent: [120, 1440], normal: [1440, 10080] };

/** Whole days where they divide evenly, else hours. */
function split(minutes: number): { value: string; unit: Unit } {
  return minutes % 1440 === 0 ? { value: String(minutes / 1440), unit: 'days' } : { value: String(+(minutes / 60).toFixed(2)), unit: 'hours' };
}

function fmtDuration(minutes: number): string {
  const { value, unit } = split(minutes);
  return t(unit === 'days' ? 'sla.inDays' : 'sla.inHours', { n: value });
}

function Duration({ label, value, unit, onValue, onUnit, errors, testid }: { label: string; value: string; unit: Unit; onValue: (v: string) => void; onUnit: (u: Unit) => void; errors?: string[]; testid: string }) {
  return (
    <label class="field">
      <span>{label}</span>
      <span class="controls">
        <input type="number" min="0.5" step="0.5" inputMode="decimal" value={value} onInput={(e) => onValue(e.currentTarget.value)} data-testid={`${testid}-value`} style={{ width: '7rem' }} />
        <select value={unit} onChange={(e) => onUnit(e.currentTarget.value as Unit)} data-testid={`${testid}-unit`} style={{ width: 'auto' }}>
          <option value="hours">{t('sla.hours')}</option>
          <option value="days">{t('sla.days')}</option>
        </select>
      </span>
      <FieldError messages={errors} />
    </label>
  );
}

interface Draft {
  category: string;
  priority: Priority;
  accept: { value: string; unit: Unit };
  resolve: { value: string; unit: Unit };
}

function draftOf(category: string | null, priority: Priority, minutes: [number, number]): Draft {
  return { category: category ?? '', priority, accept: split(minutes[0]), resolve: split(minutes[1]) };
}

function SlaForm({ draft, categories, onSaved }: { draft: Draft; categories: Category[]; onSaved: () => void }) {
  const [d, setD] = useState(draft);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const server = fieldErrorsByName(error instanceof ApiError ? error.problem : undefined);
  const errors = { ...server, ...local };

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const accept = Math.round(Number(d.accept.value) * MINUTES[d.accept.unit]);
    const resolve = Math.round(Number(d.resolve.value) * MINUTES[d.resolve.unit]);
    const problems: Record<string, string[]> = {};
    if (!(accept > 0)) problems.accept_within_minutes = [t('sla.errorPositive')];
    if (!(resolve > 0)) problems.resolve_within_minutes = [t('sla.errorPositive')];
    else if (accept > resolve) problems.resolve_within_minutes = [t('sla.errorOrder')];
    setLocal(problems);
    if (Object.keys(problems).length) return;
    try {
      await consoleApi.setSlaPolicy({ category: d.category || null, priority: d.priority, accept_within_minutes: accept, resolve_within_minutes: resolve });
      onSaved();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form class="form card-pad console-edit" onSubmit={submit} data-testid="sla-form">
      <label class="field">
        <span>{t('sla.category')}</span>
        <select value={d.category} onChange={(e) => setD({ ...d, category: e.currentTarget.value })} data-testid="sla-category">
          <option value="">{t('sla.default')}</option>
          {categories.map((c) => (
            <option key={c.code} value={c.code}>
              {categoryLabel(c.code, categories)}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>{t('sla.priority')}</span>
        <select value={d.priority} onChange={(e) => setD({ ...d, priority: e.currentTarget.value as Priority })} data-testid="sla-priority">
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(p === 'urgent' ? 'sla.urgent' : 'sla.normal')}
            </option>
          ))}
        </select>
      </label>
      <Duration label={t('sla.accept')} {...d.accept} onValue={(value) => setD({ ...d, accept: { ...d.accept, value } })} onUnit={(unit) => setD({ ...d, accept: { ...d.accept, unit } })} errors={errors.accept_within_minutes} testid="sla-accept" />
      <Duration label={t('sla.resolve')} {...d.resolve} onValue={(value) => setD({ ...d, resolve: { ...d.resolve, value } })} onUnit={(unit) => setD({ ...d, resolve: { ...d.resolve, unit } })} errors={errors.resolve_within_minutes} testid="sla-resolve" />
      {error && !Object.keys(server).length ? <ErrorText error={error} /> : null}
      <button class="btn btn-primary" type="submit" data-testid="sla-submit">
        {t('console.save')}
      </button>
    </form>
  );
}

export default function SlaPage() {
  const editable = useCityAdmin();
  const [policies, setPolicies] = useState<SlaPolicy[] | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const load = () => consoleApi.slaPolicies().then(setPolicies, setError);
  useEffect(() => {
    void load();
    consoleApi.categories().then(setCategories, setError);
  }, []);
  const saved = () => {
    setDraft(null);
    void load();
  };
  // The default rows first (built-in where none is set), then each category's own.
  const rows: { category: string | null; priority: Priority; minutes: [number, number]; set: boolean }[] = [
    ...PRIORITIES.map((priority) => {
      const p = policies?.find((x) => x.category === null && x.priority === priority);
      return { category: null, priority, minutes: p ? ([p.accept_within_minutes, p.resolve_within_minutes] as [number, number]) : BUILT_IN[priority], set: !!p };
    }),
    ...(policies ?? []).filter((p) => p.category !== null).map((p) => ({ category: p.category, priority: p.priority, minutes: [p.accept_within_minutes, p.resolve_within_minutes] as [number, number], set: true })),
  ];

  return (
    <Page title={t('console.sla')} wide actions={<ConsoleNav />}>
      <p class="note">{t('sla.hint')}</p>
      {!editable && <p class="note" data-testid="settings-read-only">{t('console.readOnly')}</p>}
      {editable && (
        <button class="btn btn-secondary" type="button" onClick={() => setDraft(draft ? null : draftOf(null, 'normal', BUILT_IN.normal))} data-testid="sla-new">
          {draft ? t('common.cancel') : t('sla.setFor')}
        </button>
      )}
      {draft && <SlaForm key={JSON.stringify(draft)} draft={draft} categories={categories.filter((c) => c.active)} onSaved={saved} />}
      {error ? <ErrorText error={error} /> : null}
      {policies === null && !error && <p class="muted">{t('common.loading')}</p>}
      <ul class="list" data-testid="sla-list">
        {policies !== null &&
          rows.map((r) => (
            <li key={`${r.category}-${r.priority}`} class="card card-pad console-row" data-testid="sla-row" data-category={r.category ?? ''} data-priority={r.priority}>
              <span class="console-main">
                <strong>
                  {r.category ? categoryLabel(r.category, categories) : t('sla.default')} · {t(r.priority === 'urgent' ? 'sla.urgent' : 'sla.normal')}
                </strong>
                <span data-testid="sla-durations">{t('sla.duration', { accept: fmtDuration(r.minutes[0]), resolve: fmtDuration(r.minutes[1]) })}</span>
                {!r.set && <span class="muted">{t('sla.builtIn')}</span>}
              </span>
              {editable && (
                <span class="console-actions">
                  <button type="button" class="btn btn-secondary" onClick={() => setDraft(draftOf(r.category, r.priority, r.minutes))} data-testid="sla-edit">
                    {t('console.edit')}
                  </button>
                </span>
              )}
            </li>
          ))}
      </ul>
    </Page>
  );
}
