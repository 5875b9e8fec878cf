// SLA clocks as the backend keeps them (escalation/service.py is_overdue): a case in an
// open state is overdue when it was not accepted by accept_due_at or not resolved by
// resolve_due_at. The server's `overdue` is as of its answer; the same test against the
// phone's clock keeps an offline copy honest as time passes.
import type { Case, CaseState } from '../../api/types';

export const OPEN_STATES: readonly CaseState[] = ['submitted', 'assigned', 'in_progress', 'returned'];

type Clocks = Pick<Case, 'state' | 'overdue' | 'accepted_at' | 'accept_due_at' | 'resolve_due_at'>;

export function isOverdue(c: Clocks, now = Date.now()): boolean {
  if (!OPEN_STATES.includes(c.state)) return false;
  if (c.overdue) return true;
  const late = (at: string | null) => !!at && Date.parse(at) < now;
  return (!c.accepted_at && late(c.accept_due_at)) || late(c.resolve_due_at);
}

/** The clock that matters now: accepting until accepted, then resolving; none once closed. */
export function activeDeadline(c: Clocks): { kind: 'accept' | 'resolve'; at: string } | null {
  if (!OPEN_STATES.includes(c.state)) return null;
  if (!c.accepted_at && c.accept_due_at) return { kind: 'accept', at: c.accept_due_at };
  return c.resolve_due_at ? { kind: 'resolve', at: c.resolve_due_at } : null;
}
