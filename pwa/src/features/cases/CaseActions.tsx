// Staff actions on a case, as the server allows them (loaded lazily).
import { useMemo, useState } from 'preact/hooks';
import type { Case, CaseAction } from '../../api/types';
import { t } from '../../i18n';
import { reads } from '../../offline/cache';
import { caseAction } from '../../offline/outbox';
import type { StoredFile } from '../../offline/outbox-types';
import { useResource } from '../../ui/useResource';
import { PhotoPicker } from '../report/PhotoPicker';

function ProviderSelect({ c, value, onChange }: { c: Case; value: string; onChange: (v: string) => void }) {
  const res = useResource(useMemo(() => reads.providers(c.category, c.org_id), [c.category, c.org_id]));
  const list = res.data?.filter((p) => p.active !== false) ?? [];
  if (!res.loading && !list.length) return <p class="note">{t('actions.noProviders')}</p>;
  return (
    <label class="field">
      <span>{t('actions.provider')}</span>
      <select data-testid="action-provider" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t('actions.chooseProvider')}</option>
        {list.map((p) => (
          <option key={p.id} value={String(p.id)}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export default function CaseActions({ c }: { c: Case }) {
  const [action, setAction] = useState<CaseAction | null>(null);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [provider, setProvider] = useState('');
  const [photos, setPhotos] = useState<StoredFile[]>([]);
  const [error, setError] = useState('');
  const [queued, setQueued] = useState(false);

  const needsReason = action === 'return' || action === 'reject';

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!action) return;
    if (needsReason && !reason.trim()) return setError(t('actions.reasonRequired'));
    if (action === 'assign' && !provider) return setError(t('actions.providerRequired'));
    setError('');
    const body: { version: number; note?: string; reason?: string; provider_id?: number | string } = { version: c.version };
    if (note.trim()) body.note = note.trim();
    if (needsReason) body.reason = reason.trim();
    if (action === 'assign') body.provider_id = /^\d+$/.test(provider) ? Number(provider) : provider;
    await caseAction(c.id, action, body, action === 'resolve' ? photos : []);
    setQueued(true);
    setAction(null);
    setNote('');
    setReason('');
    setPhotos([]);
  };

  return (
    <section class="card-pad" aria-labelledby="actions-title" data-testid="case-actions">
      <h2 id="actions-title">{t('actions.title')}</h2>
      {queued && (
        <p class="note" role="status">
          {t('actions.queued')}
        </p>
      )}
      <div class="seg wrap">
        {c.allowed_actions.map((a) => (
          <button
            type="button"
            key={a}
            class={`btn ${a === action ? 'btn-primary' : 'btn-secondary'}`}
            aria-pressed={a === action}
            data-testid={`case-action-${a}`}
            onClick={() => {
              setAction(a);
              setQueued(false);
            }}
          >
            {t(`action.${a}`)}
          </button>
        ))}
      </div>
      {action && (
        <form class="form" onSubmit={submit}>
          {action === 'assign' && <ProviderSelect c={c} value={provider} onChange={setProvider} />}
          {needsReason && (
            <label class="field">
              <span>{t('actions.reason')}</span>
              <textarea data-testid="action-reason" rows={2} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </label>
          )}
          <label class="field">
            <span>{t('actions.note')}</span>
            <textarea data-testid="action-note" rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          {action === 'resolve' && <PhotoPicker photos={photos} onChange={setPhotos} testid="action-photos" />}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="btn btn-primary btn-block" data-testid="action-submit">
            {t('actions.submit', { action: t(`action.${action}`) })}
          </button>
        </form>
      )}
    </section>
  );
}
