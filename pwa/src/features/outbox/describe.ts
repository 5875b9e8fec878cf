// Each write in the outbox said in the user's words: what it is and which case or household
// it is about, with the case named by its title (or reference), never by an id.
import { t, tn, type MessageKey } from '../../i18n';
import { actionOf } from '../../offline/outbox';
import type { Known } from '../../offline/cache';
import type { OutboxItem } from '../../offline/outbox-types';

/** A line of text; `link` (when set) sits between `before` and `after`. */
export interface Described {
  before: string;
  link?: { text: string; href: string };
  after: string;
}

const MARK = '\u0001';

function around(key: MessageKey, params: Record<string, string | number>, link?: Described['link']): Described {
  const [before, after = ''] = t(key, { ...params, case: MARK, title: MARK }).split(MARK);
  return link ? { before, link, after } : { before: before + after, after: '' };
}

function caseLink(item: OutboxItem, known: Known): Described['link'] {
  if (!item.caseId) return undefined;
  return { text: known.cases.get(item.caseId) || t('outbox.someCase'), href: `/cases/${encodeURIComponent(item.caseId)}` };
}

function onCase(key: MessageKey, item: OutboxItem, known: Known, params: Record<string, string | number> = {}): Described {
  return around(key, params, caseLink(item, known));
}

export function describe(item: OutboxItem, known: Known): Described {
  const b = item.body ?? {};
  switch (item.kind) {
    case 'create_case': {
      const title = String(b.title ?? '') || t('outbox.someCase');
      return around('outbox.kind.create_case', {}, item.caseId ? { text: title, href: `/cases/${encodeURIComponent(item.caseId)}` } : undefined);
    }
    case 'rating': {
      const stars = typeof b.stars === 'number' ? tn('rating.stars', b.stars) : '';
      return onCase('outbox.kind.rating', item, known, { stars });
    }
    case 'visit': {
      const household = item.label || known.households.get(String(b.household_id)) || t('outbox.someHousehold');
      return { before: t('outbox.kind.visit', { household }), after: '' };
    }
    case 'action': {
      const a = actionOf(item) ?? '';
      return onCase('outbox.kind.action', item, known, { action: t(`action.${a}` as MessageKey) ?? a });
    }
    case 'task_action': {
      const a = actionOf(item) ?? '';
      return onCase('outbox.kind.task_action', item, known, { action: t(`tasks.action.${a}` as MessageKey) ?? a });
    }
    case 'review':
      return onCase(b.kind === 'note' ? 'outbox.kind.review_note' : 'outbox.kind.review_reviewed', item, known);
    case 'support':
    case 'appeal':
    case 'add_info':
    case 'attachment':
      return onCase(`outbox.kind.${item.kind}`, item, known);
    default:
      return { before: t(`outbox.kind.${item.kind}`), after: '' };
  }
}
