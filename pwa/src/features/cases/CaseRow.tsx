import type { Case, CaseSummary } from '../../api/types';
import { fmtRelative, fmtTime, t } from '../../i18n';
import { StateBadge } from '../../ui/bits';
import { categoryGlyph, categoryLabel } from '../../ui/categories';
import { activeDeadline, isOverdue } from './deadline';

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
  overdue?: boolean;
  unmetNeed?: boolean;
  deadline?: { kind: 'accept' | 'resolve'; at: string } | null;
  /** Closed because its reporter took it back. */
  withdrawn?: boolean;
}

export function fromCase(c: CaseSummary): RowData {
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
    overdue: isOverdue(c),
    unmetNeed: c.unmet_need,
    deadline: activeDeadline(c),
    withdrawn: !!c.withdrawn_at,
  };
}

/** Overdue, level and unmet-need badges (shared by rows and the case page). */
export function CaseFlags({ overdue, level, unmetNeed }: { overdue?: boolean; level?: Case['escalation_level']; unmetNeed?: boolean }) {
  return (
    <>
      {overdue && (
        <span class="state state-overdue" data-testid="case-overdue">
          {t('cases.overdue')}
        </span>
      )}
      {level && (
        <span class={`state state-level level-${level}`} data-testid="case-level-badge" data-level={level}>
          {t('cases.levelBadge', { level: t(`level.${level}`) })}
        </span>
      )}
      {unmetNeed && (
        <span class="state state-unmet" data-testid="case-unmet">
          {t('cases.unmetNeed')}
        </span>
      )}
    </>
  );
}

export function DueText({ deadline, now }: { deadline: { kind: 'accept' | 'resolve'; at: string }; now?: number }) {
  const rel = fmtRelative(deadline.at, now);
  const label = t(deadline.kind === 'accept' ? 'cases.deadlineAccept' : 'cases.deadlineResolve');
  return (
    <span class={rel.overdue ? 'due due-late' : 'due'} data-testid="case-due" data-overdue={rel.overdue ? 'true' : 'false'}>
      {`${label} ${rel.text}`}
    </span>
  );
}

/** The link's name: which case, then what a sighted user sees at a glance. */
function rowName(row: RowData, showLevel?: boolean, extra?: string): string {
  return [
    t('cases.open', { ref: row.reference ?? row.title }),
    row.title,
    row.pending || !row.state ? t('cases.pendingSync') : row.withdrawn ? t('cases.withdrawn') : t(`state.${row.state}`),
    row.overdue && t('cases.overdue'),
    showLevel && row.level && t('cases.levelBadge', { level: t(`level.${row.level}`) }),
    row.unmetNeed && t('cases.unmetNeed'),
    extra,
  ]
    .filter(Boolean)
    .join(', ');
}

export function CaseRow({
  row,
  showLevel,
  children,
  testid = 'case-item',
  nameExtra,
}: {
  row: RowData;
  showLevel?: boolean;
  children?: preact.ComponentChildren;
  testid?: string;
  /** Said after the row's own name (what `children` show, e.g. review reasons). */
  nameExtra?: string;
}) {
  const flags = row.overdue || row.unmetNeed || (showLevel && row.level);
  return (
    <li class="card case-item" data-testid={testid} data-case-id={row.id}>
      <a class="card-link" href={`/cases/${encodeURIComponent(row.id)}`} aria-label={rowName(row, showLevel, nameExtra)}>
        <span class="case-glyph" aria-hidden="true">
          {categoryGlyph({ code: row.category })}
        </span>
        <span class="card-main">
          <strong class="case-title">{row.title}</strong>
          <span class="muted case-meta">
            {[row.reference, categoryLabel(row.category), row.orgName, fmtTime(row.createdAt)].filter(Boolean).map((part) => (
              <span key={part}>{part}</span>
            ))}
          </span>
          {row.deadline && <DueText deadline={row.deadline} />}
          {(row.supporters ?? 0) > 1 && <span class="muted">{t('cases.supporters', { n: row.supporters ?? 0 })}</span>}
          {flags && (
            <span class="flags">
              <CaseFlags overdue={row.overdue} level={showLevel ? row.level : undefined} unmetNeed={row.unmetNeed} />
            </span>
          )}
          {children}
        </span>
        <span class="case-side">
          <StateBadge state={row.state} pending={row.pending} withdrawn={row.withdrawn} />
          {row.attention && <span class="state state-attention">{t('outbox.state.needs_attention')}</span>}
        </span>
      </a>
    </li>
  );
}
