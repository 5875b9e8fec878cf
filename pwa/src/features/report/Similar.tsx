import { useEffect, useState } from 'preact/hooks';
import { api, NetworkError, type SimilarCase } from '../../api';
import { fmtTime, t } from '../../i18n';
import { supportCase } from '../../offline/outbox';
import { StateBadge } from '../../ui/bits';

/** Open needs nearby with the same category: "+1" one instead of reporting again. */
export function Similar({ category, orgId }: { category: string; orgId: string }) {
  const [items, setItems] = useState<SimilarCase[]>([]);
  const [offline, setOffline] = useState(false);
  const [supported, setSupported] = useState<Set<string>>(new Set());

  useEffect(() => {
    if (!category || !orgId) return;
    let alive = true;
    setOffline(false);
    api.similar(category, Number(orgId)).then(
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
  }, [category, orgId]);

  if (offline) return <p class="note">{t('report.similarOffline')}</p>;
  if (!items.length) return null;
  return (
    <section class="similar" data-testid="similar-list" aria-labelledby="similar-title">
      <h2 id="similar-title">{t('report.similarTitle')}</h2>
      <p class="muted">{t('report.similarHint')}</p>
      <ul class="list">
        {items.map((c) => (
          <li key={c.id} class="card similar-item" data-testid="similar-item" data-case-id={c.id}>
            <div class="card-main">
              <strong>{c.title}</strong>
              <span class="muted">
                {c.reference} · {fmtTime(c.created_at)} · {t('report.supporters', { n: c.supporters })}
              </span>
            </div>
            <StateBadge state={c.state} />
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="similar-support"
              disabled={supported.has(c.id)}
              aria-label={t('report.plusOneLabel', { title: c.title })}
              onClick={async () => {
                await supportCase(c.id);
                setSupported(new Set([...supported, c.id]));
              }}
            >
              {supported.has(c.id) ? t('report.supported') : t('report.plusOne')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
