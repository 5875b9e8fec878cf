import { useState } from 'preact/hooks';
import { t, tn } from '../../i18n';
import { rateCase } from '../../offline/outbox';
import { TextAreaField } from '../../ui/form';

export function RatingForm({ caseId }: { caseId: string }) {
  const [resolved, setResolved] = useState<boolean | null>(null);
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);

  if (done) return <p class="note" role="status" data-testid="rating-queued">{t('rating.queued')}</p>;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (resolved === null || !stars) return setError(t('rating.chooseAll'));
    await rateCase(caseId, { resolved, stars, ...(comment.trim() ? { comment: comment.trim() } : {}) });
    setDone(true);
  };

  return (
    <form class="form card-pad" onSubmit={submit} aria-labelledby="rating-title" data-testid="rating-form">
      <h2 id="rating-title">{t('rating.title')}</h2>
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
