// A reviewer's tools on a case (loaded lazily): a supervision note the handlers are told
// of, the sign-off that takes the case off the review list, and "send back for rework"
// (the lifecycle's `reopen`, when the server allows it). Every one goes through the outbox.
import { useState } from 'preact/hooks';
import type { Case } from '../../api/types';
import { t } from '../../i18n';
import { caseAction, reviewCase } from '../../offline/outbox';
import { TextAreaField } from '../../ui/form';

type Done = 'note' | 'reviewed' | 'sentBack' | null;

const DONE_TEXT = {
  note: 'review.noteQueued',
  reviewed: 'review.markedReviewed',
  sentBack: 'review.sendBackQueued',
} as const;

export default function ReviewPanel({ c }: { c: Case }) {
  const [note, setNote] = useState('');
  const [pub, setPub] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState<Done>(null);
  const [reviewed, setReviewed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [backNote, setBackNote] = useState('');
  const canSendBack = c.allowed_actions.includes('reopen');

  const sendNote = async (e: Event) => {
    e.preventDefault();
    if (!note.trim()) return setError(t('review.noteRequired'));
    setError('');
    await reviewCase(c.id, { kind: 'note', note: note.trim(), public: pub });
    setNote('');
    setPub(false);
    setDone('note');
  };

  const markReviewed = async () => {
    await reviewCase(c.id, { kind: 'reviewed' });
    setReviewed(true);
    setDone('reviewed');
  };

  const sendBack = async (e: Event) => {
    e.preventDefault();
    await caseAction(c.id, 'reopen', { version: c.version, ...(backNote.trim() ? { note: backNote.trim() } : {}) });
    setConfirming(false);
    setBackNote('');
    setDone('sentBack');
  };

  return (
    <section class="card-pad review-panel" aria-labelledby="review-title" data-testid="review-panel">
      <h2 id="review-title">{t('review.panel')}</h2>
      {done && (
        <p class="note" role="status" data-testid="review-done">
          {t(DONE_TEXT[done])}
        </p>
      )}
      <form class="form" onSubmit={sendNote}>
        <TextAreaField
          label={t('review.note')}
          data-testid="review-note"
          rows={3}
          value={note}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'review-note-error' : undefined}
          onValue={setNote}
        />
        <label class="choice">
          <input type="checkbox" data-testid="review-note-public" checked={pub} onChange={(e) => setPub(e.currentTarget.checked)} />
          <span class="choice-name">{t('review.notePublic')}</span>
        </label>
        {error && (
          <p class="error" role="alert" id="review-note-error">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-block" data-testid="review-note-submit">
          {t('review.noteSubmit')}
        </button>
      </form>
      <div class="seg wrap review-buttons">
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="review-mark-reviewed"
          disabled={reviewed}
          onClick={() => void markReviewed()}
        >
          {t('review.markReviewed')}
        </button>
        {canSendBack && (
          <button
            type="button"
            class={`btn ${confirming ? 'btn-primary' : 'btn-secondary'}`}
            data-testid="review-send-back"
            aria-expanded={confirming}
            aria-controls="review-send-back-form"
            onClick={() => {
              setConfirming(!confirming);
              setDone(null);
            }}
          >
            {t('review.sendBack')}
          </button>
        )}
      </div>
      {canSendBack && confirming && (
        <form class="form note-warn card-pad" id="review-send-back-form" onSubmit={sendBack}>
          <p>{t('review.sendBackHint')}</p>
          <TextAreaField
            label={t('review.sendBackNote')}
            data-testid="review-send-back-note"
            rows={2}
            value={backNote}
            onValue={setBackNote}
          />
          <button type="submit" class="btn btn-primary btn-block" data-testid="review-send-back-confirm">
            {t('review.sendBackConfirm')}
          </button>
          <button type="button" class="btn btn-secondary btn-block" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </form>
      )}
    </section>
  );
}
