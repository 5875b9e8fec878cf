import { useState } from 'preact/hooks';
import type { RatingBody } from '../../api/types';
import { fmtTime, t, tn } from '../../i18n';
import { appealCase, rateCase } from '../../offline/outbox';
import { TextAreaField } from '../../ui/form';

type Channel = 'phone' | 'visit';

/** The resident's verdict; a grid worker who reported for them records it after a call or a
 * visit (a follow-up call), saying which. */
export function RatingForm({ caseId, dueAt, recorder = false }: { caseId: string; dueAt?: string | null; recorder?: boolean }) {
  const [resolved, setResolved] = useState<boolean | null>(null);
  const [stars, setStars] = useState(0);
  const [channel, setChannel] = useState<Channel>('phone');
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);

  if (done) return <p class="note" role="status" data-testid="rating-queued">{t('rating.queued')}</p>;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (resolved === null || !stars) return setError(t('rating.chooseAll'));
    const body: RatingBody = { resolved, stars, ...(comment.trim() ? { comment: comment.trim() } : {}) };
    if (recorder) body.channel = channel;
    await rateCase(caseId, body);
    setDone(true);
  };

  return (
    <form class="form card-pad" onSubmit={submit} aria-labelledby="rating-title" data-testid="rating-form">
      <h2 id="rating-title">{recorder ? t('rating.recordTitle') : t('rating.title')}</h2>
      {dueAt && !recorder && (
        <p class="muted" data-testid="rating-due">
          {t('rating.dueBy', { time: fmtTime(dueAt) })}
        </p>
      )}
      {recorder && (
        <fieldset class="field">
          <legend>{t('rating.channel')}</legend>
          <div class="seg">
            {(['phone', 'visit'] as const).map((c) => (
              <button
                type="button"
                key={c}
                class={`btn ${channel === c ? 'btn-primary' : 'btn-secondary'}`}
                aria-pressed={channel === c}
                data-testid={`rating-channel-${c}`}
                onClick={() => setChannel(c)}
              >
                {t(`rating.channel.${c}`)}
              </button>
            ))}
          </div>
        </fieldset>
      )}
      <fieldset class="field">
        <legend>{t('rating.resolvedQuestion')}</legend>
        <div class="seg">
          <button
            type="button"
            class={`btn ${resolved === true ? 'btn-primary' : 'btn-secondary'}`}
            aria-pressed={resolved === true}
            data-testid="rating-resolved-yes"
            onClick={() => setResolved(true)}
          >
            {t('rating.yes')}
          </button>
          <button
            type="button"
            class={`btn ${resolved === false ? 'btn-primary' : 'btn-secondary'}`}
            aria-pressed={resolved === false}
            data-testid="rating-resolved-no"
            onClick={() => setResolved(false)}
          >
            {t('rating.no')}
          </button>
        </div>
      </fieldset>
      <fieldset class="field">
        <legend>{t('rating.starsLabel')}</legend>
        <div class="stars">
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              type="button"
              key={n}
              class={`star${n <= stars ? ' on' : ''}`}
              aria-pressed={n === stars}
              aria-label={tn('rating.stars', n)}
              data-testid={`rating-stars-${n}`}
              onClick={() => setStars(n)}
            >
              ★
            </button>
          ))}
        </div>
      </fieldset>
      <TextAreaField label={t('rating.comment')} data-testid="rating-comment" rows={2} value={comment} onValue={setComment} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary btn-block" data-testid="rating-submit">
        {t('rating.submit')}
      </button>
    </form>
  );
}

/** The reporter disputes a closed case, once, within the window the server names. */
export function AppealForm({ caseId, dueAt }: { caseId: string; dueAt?: string | null }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);

  if (done) return <p class="note" role="status" data-testid="appeal-queued">{t('appeal.queued')}</p>;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) return setError(t('appeal.reasonRequired'));
    await appealCase(caseId, { reason: reason.trim() });
    setDone(true);
  };

  return (
    <section class="card-pad" aria-labelledby="appeal-title" data-testid="appeal">
      <h2 id="appeal-title">{t('appeal.title')}</h2>
      {dueAt && <p class="muted">{t('appeal.dueBy', { time: fmtTime(dueAt) })}</p>}
      {!open ? (
        <button type="button" class="btn btn-secondary" data-testid="appeal-open" onClick={() => setOpen(true)}>
          {t('action.appeal')}
        </button>
      ) : (
        <form class="form" onSubmit={submit}>
          <TextAreaField label={t('appeal.reason')} data-testid="appeal-reason" rows={3} aria-required="true" value={reason} onValue={setReason} />
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="btn btn-primary btn-block" data-testid="appeal-submit">
            {t('appeal.submit')}
          </button>
        </form>
      )}
    </section>
  );
}
