import { useEffect, useState } from 'preact/hooks';
import { fmtTime, hasKey, labelOf, t, type MessageKey } from '../../i18n';
import { ErrorText, Page } from '../../ui/bits';
import { SearchBar } from '../../ui/SearchBar';
import { consoleApi, type AuditListArgs, type AuditRecord } from './api';
import { ConsoleNav } from './ConsoleNav';

type ObjectType = NonNullable<AuditListArgs['object_type']>;
const OBJECT_TYPES: ObjectType[] = ['user', 'org', 'building', 'household', 'provider', 'category', 'sla_policy', 'assessment_publication', 'responsibility', 'calendar_day'];

const HEADLINE: Record<AuditRecord['action'], MessageKey> = { create: 'audit.created', update: 'audit.updated', delete: 'audit.deleted' };

function objectLabel(type: string): string {
  return t(`audit.object.${type}` as MessageKey);
}

function fieldName(objectType: string, field: string): string {
  // A field some object names differently comes first (a calendar day's kind is not an org's).
  const key = [`audit.field.${objectType}.${field}`, `audit.field.${field}`].find(hasKey);
  return key ? t(key as MessageKey) : field;
}

/** A logged value as the reader's words: yes/no, a role's name, a time in Shanghai. */
function shown(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return t(value ? 'audit.yes' : 'audit.no');
  if (field === 'role' && hasKey(`role.${String(value)}`)) return t(`role.${String(value)}` as MessageKey);
  if (field === 'kind' && hasKey(`calendar.${String(value)}`)) return t(`calendar.${String(value)}` as MessageKey);
  if (field.endsWith('_at') && typeof value === 'string') return fmtTime(value);
  // A category's extra questions: each by its label.
  if (Array.isArray(value)) return value.map((v: unknown) => (v && typeof v === 'object' && 'label_zh' in v ? labelOf(v as { label_zh: string; label_en: string }) : String(v))).join('、') || '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Record({ r }: { r: AuditRecord }) {
  return (
    <li class="card card-pad" data-testid="audit-item" data-object={`${r.object_type}:${r.object_id}`}>
      <span class="row-between">
        <strong>
          {t(HEADLINE[r.action], { object: objectLabel(r.object_type), id: r.object_id })}
        </strong>
        <time class="muted" dateTime={r.at}>
          {fmtTime(r.at)}
        </time>
      </span>
      <span class="muted">{r.actor?.display_name ?? t('audit.system')}</span>
      <ul class="audit-changes">
        {Object.entries(r.changes).map(([field, pair]) => {
          const [before, after] = Array.isArray(pair) ? pair : [null, pair];
          return (
            <li key={field}>
              {t('audit.fieldChange', {
                field: fieldName(r.object_type, field),
                change:
                  r.action === 'create' ? shown(field, after) : r.action === 'delete' ? shown(field, before) : t('audit.change', { before: shown(field, before), after: shown(field, after) }),
              })}
            </li>
          );
        })}
      </ul>
    </li>
  );
}

export default function AuditPage() {
  const [args, setArgs] = useState<{ q?: string; object_type?: ObjectType }>({});
  const [items, setItems] = useState<AuditRecord[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = async (more = false) => {
    try {
      const page = await consoleApi.audit({ ...args, limit: 50, ...(more && cursor ? { cursor: Number(cursor) } : {}) });
      setItems(more ? [...(items ?? []), ...page.items] : page.items);
      setCursor(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), [args]);

  return (
    <Page title={t('console.audit')} wide actions={<ConsoleNav />}>
      <SearchBar
        label={t('console.search')}
        placeholder={t('audit.searchHint')}
        testid="audit-search"
        filter={{ label: t('audit.objectType'), anyLabel: t('audit.anyObject'), options: OBJECT_TYPES.map((o) => ({ value: o, label: objectLabel(o) })), testid: 'audit-type' }}
        onSearch={(q, o) => setArgs({ ...(q ? { q } : {}), ...(o ? { object_type: o as ObjectType } : {}) })}
      />
      {error ? <ErrorText error={error} /> : null}
      {items === null && !error && <p class="muted">{t('common.loading')}</p>}
      {items?.length === 0 && <p class="note">{args.q || args.object_type ? t('audit.noMatch') : t('audit.empty')}</p>}
      <ul class="list" data-testid="audit-list">
        {(items ?? []).map((r) => (
          <Record key={r.id} r={r} />
        ))}
      </ul>
      {cursor && (
        <button class="btn btn-secondary" type="button" onClick={() => void load(true)}>
          {t('console.more')}
        </button>
      )}
    </Page>
  );
}
