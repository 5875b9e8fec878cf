import type { AssessmentRow } from '../../api/types';
import { t } from '../../i18n';
import { fmtDec } from '../../ui/format';
import { unitName } from './AssessmentTable';
import { redBlack } from './model';

function List({ rows, kind }: { rows: AssessmentRow[]; kind: 'best' | 'worst' }) {
  return (
    <div class={`rb rb-${kind}`} data-testid={`rb-${kind}`}>
      <h3>{t(kind === 'best' ? 'assess.best' : 'assess.worst')}</h3>
      {rows.length ? (
        <ol>
          {rows.map((r) => (
            <li key={`${r.unit.kind}:${r.unit.id}:${r.unit.code}`} data-testid="rb-unit">
              <span class="rb-name">{unitName(r)}</span>
              <span class="rb-score">{fmtDec(r.score ?? 0)}</span>
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">{t('assess.rbTooFew')}</p>
      )}
    </div>
  );
}

/** Best and worst list: the three best and the three worst units by score. */
export function RedBlack({ rows }: { rows: AssessmentRow[] }) {
  const { best, worst } = redBlack(rows);
  if (!best.length) return null;
  return (
    <section class="card-pad" aria-labelledby="rb-title">
      <h2 id="rb-title">{t('assess.redBlack')}</h2>
      <div class="rb-grid">
        <List rows={best} kind="best" />
        <List rows={worst} kind="worst" />
      </div>
    </section>
  );
}
