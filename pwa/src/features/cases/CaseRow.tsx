import type { Case } from '../../api/types';
import { fmtTime, t } from '../../i18n';
import { StateBadge } from '../../ui/bits';
import { categoryGlyph, categoryLabel } from '../../ui/categories';

export interface RowData {
  id: string;
  title: string;
  category: string;
  reference?: string;
  state?: Case['state'];
  pending?: boolean;
  attention?: boolean;
  createdAt?: string | number;
  supporters?: number;
  level?: Case['escalation_level'];
  orgName?: string;
}

export function fromCase(c: Case): RowData {
  return {
    id: c.id,
    title: c.title,
    category: c.category,
    reference: c.reference,
    state: c.state,
    createdAt: c.created_at,
    supporters: c.supporters,
    level: c.escalation_level,
    orgName: c.org_name,
  };
}

export function CaseRow({ row, showLevel }: { row: RowData; showLevel?: boolean }) {
  return (
    <li class="card case-item" data-testid="case-item" data-case-id={row.id}>
      <a class="card-link" href={`/cases/${encodeURIComponent(row.id)}`} aria-label={t('cases.open', { ref: row.reference ?? row.title })}>
        <span class="case-glyph" aria-hidden="true">
          {categoryGlyph({ code: row.category })}
        </span>
        <span class="card-main">
          <strong class="case-title">{row.title}</strong>
          <span class="muted">
            {[row.reference, categoryLabel(row.category), row.orgName, fmtTime(row.createdAt)].filter(Boolean).join(' · ')}
          </span>
          {(showLevel || (row.supporters ?? 0) > 1) && (
            <span class="muted">
              {showLevel && row.level ? `${t('cases.escalation')}: ${t(`level.${row.level}`)} ` : ''}
              {(row.supporters ?? 0) > 1 ? t('cases.supporters', { n: row.supporters ?? 0 }) : ''}
            </span>
          )}
        </span>
        <span class="case-side">
          <StateBadge state={row.state} pending={row.pending} />
          {row.attention && <span class="state state-attention">{t('outbox.state.needs_attention')}</span>}
        </span>
      </a>
    </li>
  );
}
