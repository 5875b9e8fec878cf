// What the reporter does on their own case besides rating: see who handles it and by when,
// take it back while no unit has accepted it, add words or photos while it is open.
import { useState } from 'preact/hooks';
import type { Case } from '../../api/types';
import { fmtTime, t } from '../../i18n';
import { online } from '../../offline/online';
import { addInformation, caseAction, settled } from '../../offline/outbox';
import type { StoredFile } from '../../offline/outbox-types';
import { TextAreaField } from '../../ui/form';
import { PhotoPicker } from '../report/PhotoPicker';
import { OPEN_STATES } from './deadline';

type Outcome = 'sending' | 'done' | 'queued' | 'refused' | null;

/** Says what became of a write: sent at once online, or waiting for the connection. */
function OutcomeNote({ outcome, prefix, testid }: { outcome: Outcome; prefix: 'withdraw' | 'addInfo'; testid: string }) {
  if (!outcome) return null;
  return (
    <p class={`note${outcome === 'refused' ? ' note-warn' : ''}`} role="status" data-testid={testid} data-state={outcome}>
      {t(`${prefix}.${outcome}`)}
      {outcome === 'refused' && (
        <>
          {' '}
          <a href="/outbox">{t('actions.openOutbox')}</a>
        </>
      )}
    </p>
  );
}

async function follow(id: string | undefined, set: (o: Outcome) => void): Promise<void> {
  set(online.value ? 'sending' : 'queued');
  if (!id || !online.value) return;
  const result = await settled(id);
  set(result === 'sent' ? 'done' : result === 'refused' ? 'refused' : 'queued');
}

/** Who is handling the case and the deadline that runs now (Asia/Shanghai). */
export function Handling({ c }: { c: Case }) {
  if (!OPEN_STATES.includes(c.state)) return null;
  const accepting = !c.accepted_at && c.accept_due_at;
  const due = accepting ? c.accept_due_at : c.resolve_due_at;
  return (
    <p class="note" data-testid="case-handling">
      <strong>{c.provider_name ? t('handling.unit', { unit: c.provider_name }) : t('handling.noUnit')}</strong>
      {due && (
        <>
          <br />
          <span data-testid="case-handling-due">
            {t(accepting ? 'handling.acceptBy' : 'handling.resolveBy', { time: fmtTime(due) })}
          </span>
        </>
      )}
    </p>
  );
}

/** `pending`: a withdrawal of this case waits in the outbox (sent from here or earlier). */
export function Withdraw({ c, pending }: { c: Case; pending: boolean }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const item = await caseAction(c.id, 'withdraw', { version: c.version, ...(reason.trim() ? { note: reason.trim() } : {}) });
    setOpen(false);
    await follow(item.id, setOutcome);
  };

  if (outcome || pending) return <OutcomeNote outcome={outcome ?? 'queued'} prefix="withdraw" testid="withdraw-outcome" />;
  return (
    <section class="card-pad" aria-labelledby="withdraw-title" data-testid="withdraw">
      <h2 id="withdraw-title">{t('withdraw.title')}</h2>
      <p class="muted">{t('withdraw.hint')}</p>
      {!open ? (
        <button type="button" class="btn btn-secondary" data-testid="withdraw-open" onClick={() => setOpen(true)}>
          {t('action.withdraw')}
        </button>
      ) : (
        <form class="form" onSubmit={submit}>
          <TextAreaField label={t('withdraw.reason')} data-testid="withdraw-reason" rows={2} value={reason} onValue={setReason} />
          <div class="seg wrap">
            <button type="button" class="btn btn-ghost" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" class="btn btn-danger" data-testid="withdraw-submit">
              {t('withdraw.confirm')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export function AddInformation({ c }: { c: Case }) {
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<StoredFile[]>([]);
  const [error, setError] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!note.trim() && !photos.length) return setError(t('addInfo.required'));
    setError('');
    const item = await addInformation(c.id, note.trim(), photos);
    setNote('');
    setPhotos([]);
    await follow(item?.id, setOutcome);
  };

  return (
    <form class="form card-pad" onSubmit={submit} aria-labelledby="add-info-title" data-testid="add-info">
      <h2 id="add-info-title">{t('addInfo.title')}</h2>
      <OutcomeNote outcome={outcome} prefix="addInfo" testid="add-info-outcome" />
      <TextAreaField label={t('addInfo.note')} data-testid="add-info-note" rows={2} maxLength={2000} value={note} onValue={setNote} />
      <PhotoPicker photos={photos} onChange={setPhotos} testid="add-info-photos" />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary btn-block" data-testid="add-info-submit" disabled={outcome === 'sending'}>
        {t('addInfo.submit')}
      </button>
    </form>
  );
}
