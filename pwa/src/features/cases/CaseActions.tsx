// Staff actions on a case, as the server allows them (loaded lazily).
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ActionBody, Case, CaseAction, CoProviderBody, Routing } from '../../api/types';
import { ESCALATION_LEVELS } from '../../api/types';
import { fromShanghaiInput, hasKey, t, toShanghaiInput } from '../../i18n';
import { reads } from '../../offline/cache';
import { caseAction, settled } from '../../offline/outbox';
import { online } from '../../offline/online';
import type { StoredFile } from '../../offline/outbox-types';
import { TextAreaField } from '../../ui/form';
import { useResource } from '../../ui/useResource';
import { PhotoPicker } from '../report/PhotoPicker';

const NEEDS_REASON: CaseAction[] = ['return', 'reject', 'refuse_return'];
/** What became of the last action taken here: being sent now, done, waiting offline, refused. */
type Outcome = { state: 'sending' | 'done' | 'queued' | 'refused'; action: CaseAction } | null;
const PICKS_PROVIDER: CaseAction[] = ['assign', 'coordinate'];

/** coverage_depth counts from the root of the org tree (routing/rules.py): 0 = city … 4 = grid. */
const DEPTH = [...ESCALATION_LEVELS].reverse();

interface Choice {
  id: number;
  name: string;
  detail?: string;
}

/** Routing advice (candidates with their load, the suggestion) or, failing that, every provider covering the case. */
function useCandidates(c: Case): { choices: Choice[]; routing?: Routing; loading: boolean; advice: boolean } {
  const routing = useResource(useMemo(() => reads.routing(c.id), [c.id]));
  const providers = useResource(useMemo(() => reads.providers(c.category, c.org_id), [c.category, c.org_id]));
  const r = routing.data;
  if (r) {
    const choices = r.candidates.map((k) => ({
      id: k.provider_id,
      name: k.name,
      detail: [
        t('routing.load', { open: k.open_cases, capacity: k.capacity }),
        DEPTH[k.coverage_depth] ? t('routing.coverage', { level: t(`level.${DEPTH[k.coverage_depth]}`) }) : '',
      ]
        .filter(Boolean)
        .join(' · '),
    }));
    return { choices, routing: r, loading: false, advice: true };
  }
  const list = (providers.data ?? []).filter((p) => p.active !== false).map((p) => ({ id: p.id, name: p.name }));
  return { choices: list, loading: routing.loading || providers.loading, advice: false };
}

function ProviderChoice({
  legend,
  choices,
  suggested,
  value,
  onChange,
  testid,
}: {
  legend: string;
  choices: Choice[];
  suggested?: number | null;
  value: number | null;
  onChange: (id: number) => void;
  testid: string;
}) {
  return (
    <fieldset class="field" data-testid={testid}>
      <legend>{legend}</legend>
      <div class="choices">
        {choices.map((p) => (
          <label key={p.id} class={`choice${value === p.id ? ' chosen-choice' : ''}`} data-testid="provider-choice" data-provider-id={p.id}>
            <input type="radio" name={testid} checked={value === p.id} onChange={() => onChange(p.id)} />
            <span class="choice-main">
              <span class="choice-name">
                {p.name}
                {suggested === p.id && (
                  <span class="state state-suggested" data-testid="provider-suggested">
                    {t('routing.suggested')}
                  </span>
                )}
              </span>
              {p.detail && <span class="muted">{p.detail}</span>}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

interface CoPick {
  due: string;
  note: string;
}

/** Co-handling units: active providers serving the case's category in its place, other than the lead. */
function CoProviders({
  c,
  lead,
  picks,
  onChange,
  preset,
}: {
  c: Case;
  lead: number | null;
  picks: Map<number, CoPick>;
  onChange: (m: Map<number, CoPick>) => void;
  /** The responsibility list's co-units, ticked once the list is in (those serving here). */
  preset: number[];
}) {
  const res = useResource(useMemo(() => reads.providers(c.category, c.org_id), [c.category, c.org_id]));
  const list = (res.data ?? []).filter((p) => p.active !== false && p.id !== lead);
  useEffect(() => {
    const offered = list.filter((p) => preset.includes(p.id));
    if (!picks.size && offered.length) onChange(new Map(offered.map((p) => [p.id, { due: toShanghaiInput(defaultDue()), note: '' }])));
  }, [res.data, preset.join(',')]);
  const set = (id: number, pick: CoPick | null) => {
    const next = new Map(picks);
    if (pick) next.set(id, pick);
    else next.delete(id);
    onChange(next);
  };
  return (
    <fieldset class="field" data-testid="coordinate-co">
      <legend>{t('coordinate.co')}</legend>
      <div class="choices">
        {list.map((p) => {
          const pick = picks.get(p.id);
          return (
            <div key={p.id} class={`choice-block${pick ? ' chosen-choice' : ''}`} data-testid="co-provider" data-provider-id={p.id}>
              <label class="choice">
                <input
                  type="checkbox"
                  checked={!!pick}
                  onChange={(e) =>
                    set(p.id, e.currentTarget.checked ? { due: toShanghaiInput(defaultDue()), note: '' } : null)
                  }
                />
                <span class="choice-name">{p.name}</span>
              </label>
              {pick && (
                <div class="co-fields">
                  <label class="field">
                    <span>{t('coordinate.due', { name: '' }).trim()}</span>
                    <input
                      type="datetime-local"
                      data-testid="co-provider-due"
                      aria-label={t('coordinate.due', { name: p.name })}
                      value={pick.due}
                      onInput={(e) => set(p.id, { ...pick, due: e.currentTarget.value })}
                    />
                  </label>
                  <label class="field">
                    <span>{t('coordinate.note', { name: '' }).trim()}</span>
                    <input
                      type="text"
                      data-testid="co-provider-note"
                      aria-label={t('coordinate.note', { name: p.name })}
                      value={pick.note}
                      onInput={(e) => set(p.id, { ...pick, note: e.currentTarget.value })}
                    />
                  </label>
                </div>
              )}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** Three days from now, on the hour. */
function defaultDue(now = Date.now()): number {
  return Math.ceil((now + 3 * 86_400_000) / 3_600_000) * 3_600_000;
}

function PickProvider({ c, action, value, onChange, co, onCo }: {
  c: Case;
  action: CaseAction;
  value: number | null;
  onChange: (id: number) => void;
  co: Map<number, CoPick>;
  onCo: (m: Map<number, CoPick>) => void;
}) {
  const { choices, routing, loading, advice } = useCandidates(c);
  const preset = action === 'coordinate' ? (routing?.preset ?? null) : null;
  // For joint handling the responsibility list's lead unit comes first, then routing's pick.
  const suggested = preset?.lead_provider_id ?? routing?.provider_id ?? null;
  // The suggestion is preselected; the user can pick another.
  useEffect(() => {
    if (preset) onChange(preset.lead_provider_id);
    else if (value === null && suggested !== null) onChange(suggested);
  }, [suggested, preset?.id]);
  const rule = routing ? `routing.rule.${routing.rule}` : '';
  return (
    <section class="routing" aria-label={t('routing.title')} data-testid="routing-advice" data-rule={routing?.rule ?? ''}>
      {routing && (
        <p class={routing.provider_id ? 'note' : 'note note-warn'} data-testid="routing-rule">
          {hasKey(rule) ? t(rule) : routing.rule}
        </p>
      )}
      {!advice && !loading && <p class="muted">{t('routing.unavailable')}</p>}
      {!loading && !choices.length ? (
        <p class="note">{t('actions.noProviders')}</p>
      ) : (
        <ProviderChoice
          legend={action === 'coordinate' ? t('coordinate.lead') : t('actions.provider')}
          choices={choices}
          suggested={suggested}
          value={value}
          onChange={onChange}
          testid="action-provider"
        />
      )}
      {preset && (
        <p class="note" data-testid="coordinate-preset">
          {preset.note ? t('coordinate.presetNamed', { note: preset.note }) : t('coordinate.preset')}
        </p>
      )}
      {action === 'coordinate' && <CoProviders c={c} lead={value} picks={co} onChange={onCo} preset={preset?.co_provider_ids ?? []} />}
    </section>
  );
}

export default function CaseActions({ c, hide = [] }: { c: Case; hide?: CaseAction[] }) {
  const allowed = (c.allowed_actions as CaseAction[]).filter((a) => !hide.includes(a));
  // A case waiting for triage opens on "assign", so the routing advice shows at once.
  const [action, setAction] = useState<CaseAction | null>(c.state === 'submitted' && allowed.includes('assign') ? 'assign' : null);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [provider, setProvider] = useState<number | null>(null);
  const [co, setCo] = useState<Map<number, CoPick>>(new Map());
  const [photos, setPhotos] = useState<StoredFile[]>([]);
  const [error, setError] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);

  const needsReason = !!action && NEEDS_REASON.includes(action);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!action) return;
    if (needsReason && !reason.trim()) return setError(t('actions.reasonRequired'));
    const body: ActionBody = { version: c.version };
    if (action === 'assign') {
      if (!provider) return setError(t('actions.providerRequired'));
      body.provider_id = provider;
    }
    if (action === 'coordinate') {
      if (!provider) return setError(t('coordinate.leadRequired'));
      if (!co.size) return setError(t('coordinate.coRequired'));
      const list: CoProviderBody[] = [];
      for (const [id, pick] of co) {
        const due = fromShanghaiInput(pick.due);
        if (!due || Date.parse(due) <= Date.now()) return setError(t('coordinate.dueRequired'));
        list.push({ provider_id: id, due_at: due, ...(pick.note.trim() ? { note: pick.note.trim() } : {}) });
      }
      body.lead_provider_id = provider;
      body.co_providers = list;
    }
    setError('');
    if (note.trim()) body.note = note.trim();
    if (needsReason) body.reason = reason.trim();
    const taken = action;
    const item = await caseAction(c.id, taken, body, taken === 'resolve' ? photos : []);
    setOutcome({ state: online.value ? 'sending' : 'queued', action: taken });
    setAction(null);
    setNote('');
    setReason('');
    setProvider(null);
    setCo(new Map());
    setPhotos([]);
    if (!online.value) return;
    const result = await settled(item.id);
    // Sent: the page reloads the case (the sync says so), showing its new state and actions.
    setOutcome({ state: result === 'sent' ? 'done' : result === 'refused' ? 'refused' : 'queued', action: taken });
  };

  return (
    <section class="card-pad" aria-labelledby="actions-title" data-testid="case-actions">
      <h2 id="actions-title">{t('actions.title')}</h2>
      {outcome && (
        <p class={`note${outcome.state === 'refused' ? ' note-warn' : ''}`} role="status" data-testid="action-outcome" data-state={outcome.state}>
          {t(`actions.${outcome.state}`, { action: hasKey(`action.${outcome.action}`) ? t(`action.${outcome.action}`) : outcome.action })}
          {outcome.state === 'refused' && (
            <>
              {' '}
              <a href="/outbox">{t('actions.openOutbox')}</a>
            </>
          )}
        </p>
      )}
      <div class="seg wrap">
        {outcome?.state !== 'sending' && allowed.map((a) => (
          <button
            type="button"
            key={a}
            class={`btn ${a === action ? 'btn-primary' : 'btn-secondary'}`}
            aria-pressed={a === action}
            data-testid={`case-action-${a}`}
            onClick={() => {
              setAction(a);
              setError('');
              setOutcome(null);
            }}
          >
            {hasKey(`action.${a}`) ? t(`action.${a}`) : a}
          </button>
        ))}
      </div>
      {action && (
        <form class="form" onSubmit={submit}>
          {PICKS_PROVIDER.includes(action) && (
            <PickProvider c={c} action={action} value={provider} onChange={setProvider} co={co} onCo={setCo} />
          )}
          {needsReason && (
            <TextAreaField
              label={t('actions.reason')}
              data-testid="action-reason"
              rows={2}
              required
              value={reason}
              onValue={setReason}
            />
          )}
          <TextAreaField label={t('actions.note')} data-testid="action-note" rows={2} value={note} onValue={setNote} />
          {action === 'resolve' && <PhotoPicker photos={photos} onChange={setPhotos} testid="action-photos" />}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="btn btn-primary btn-block" data-testid="action-submit">
            {t('actions.submit', { action: hasKey(`action.${action}`) ? t(`action.${action}`) : action })}
          </button>
        </form>
      )}
    </section>
  );
}
