import { useEffect, useState } from 'preact/hooks';
import { api, NetworkError, type SimilarCase } from '../../api';
import { fmtTime, t } from '../../i18n';
import { supportCase } from '../../offline/outbox';
import { StateBadge } from '../../ui/bits';

/** How long typing pauses before the list is asked again. */
const TYPING_PAUSE_MS = 400;

/** Open needs nearby with the same category, the most alike to what is being typed first:
 * "+1" one instead of reporting again. Shown as soon as the category and place are known. */
export function Similar({ category, orgId, text = '' }: { category: string; orgId: string; text?: string }) {
  const [items, setItems] = useState<SimilarCase[]>([]);
  const [offline, setOffline] = useState(false);
  const [supported, setSupported] = useState<Set<string>>(new Set());
  const [asked, setAsked] = useState(text);

  useEffect(() => {
    const timer = setTimeout(() => setAsked(text), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  useEffect(() => {
    if (!category || !orgId) return;
    let alive = true;
    setOffline(false);
    api.similar(category, Number(orgId), asked).then(
      (r) => alive && setItems(r),
      (e) => {
        if (!alive) return;
        setItems([]);
        setOffline(e instanceof NetworkError);
      },
    );
    return () => {
      alive = false;
    };
  }, [category, orgId, asked]);

  if (offline) return <p class="note">{t('report.similarOffline')}</p>;
  if (!items.length) return null;
  return (
    <section class="similar" data-testid="similar-list" aria-labelledby="similar-title">
      <h2 id="similar-title">{t('report.similarTitle')}</h2>
      <p class="muted">{t('report.similarHint')}</p>
      <ul class="list">
        {items.map((c) => {
          const mine = c.supported_by_me || supported.has(c.id);
          // A +1 sent from here counts at once, before the server says so.
          const count = c.supporters + (supported.has(c.id) && !c.supported_by_me ? 1 : 0);
          return (
            <li key={c.id} class="card similar-item" data-testid="similar-item" data-case-id={c.id}>
              <div class="card-main">
                <strong>{c.title}</strong>
                <span class="muted meta">
                  <span>{c.reference}</span>
                  <span>{fmtTime(c.created_at)}</span>
                  <span data-testid="similar-supporters">{t('report.supporters', { n: count })}</span>
                </span>
              </div>
              <StateBadge state={c.state} />
              <button
                type="button"
                class="btn btn-secondary"
                data-testid="similar-support"
                disabled={mine}
                aria-label={t('report.plusOneLabel', { title: c.title })}
                onClick={async () => {
                  await supportCase(c.id);
                  setSupported(new Set([...supported, c.id]));
                }}
              >
                {mine ? t('report.supported') : t('report.plusOne')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
