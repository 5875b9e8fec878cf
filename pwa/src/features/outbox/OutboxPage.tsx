import { useState } from 'preact/hooks';
import { fmtTime, t, tn, type MessageKey } from '../../i18n';
import { actionOf, discardItem, retryItem } from '../../offline/outbox';
import type { OutboxItem } from '../../offline/outbox-types';
import { lastSyncAt, syncNow } from '../../offline/sync';
import { Page } from '../../ui/bits';
import { useOutbox } from '../../ui/useOutbox';
import { fieldProblems, problemMessage } from '../../ui/problems';

const EDITABLE = ['title', 'description', 'address', 'note', 'reason', 'comment'] as const;

function summary(i: OutboxItem): string {
  switch (i.kind) {
    case 'create_case':
      return t('outbox.kind.create_case', { title: String(i.body?.title ?? '') });
    case 'action': {
      const a = actionOf(i) ?? '';
      return t('outbox.kind.action', { action: t(`action.${a}` as MessageKey) ?? a });
    }
    case 'task_action': {
      const a = actionOf(i) ?? '';
      return t('outbox.kind.task_action', { action: t(`tasks.action.${a}` as MessageKey) ?? a });
    }
    case 'review':
      return t(i.body?.kind === 'note' ? 'outbox.kind.review_note' : 'outbox.kind.review_reviewed');
    case 'attachment':
      return t('outbox.kind.attachment', { name: i.file?.name ?? '' });
    default:
      return t(`outbox.kind.${i.kind}`);
  }
}

function Fixer({ item }: { item: OutboxItem }) {
  const fields = EDITABLE.filter((f) => item.body && f in item.body);
  const [values, setValues] = useState<Record<string, string>>(
    Object.fromEntries(fields.map((f) => [f, String(item.body?.[f] ?? '')])),
  );
  const problems = fieldProblems(item.problem);
  const byField = new Map(problems.map((p) => [p.field, p.messages]));
  const generalErrors = problems.filter((p) => !fields.includes(p.field as (typeof EDITABLE)[number]));
  const conflict = item.lastStatus === 409 && item.problem?.case;
  const message = conflict
    ? t('outbox.conflict', { state: t(`state.${item.problem!.case!.state}`) })
    : problemMessage(item.lastStatus, item.problem, actionOf(item) ?? undefined);

  return (
    <div class="fixer">
      <p class="error" role="alert" data-testid="outbox-problem">
        {message}
      </p>
      {generalErrors.map((p) => (
        <p class="field-error" key={p.field} data-testid="outbox-field-problem">
          {p.label ? `${p.label}${t('common.labelSep')}${p.messages.join(t('common.listSep'))}` : p.messages.join(t('common.listSep'))}
        </p>
      ))}
      {fields.map((f) => (
        <label class="field" key={f}>
          <span>{t(`outbox.field.${f}`)}</span>
          <textarea
            rows={f === 'title' ? 1 : 3}
            data-testid={`outbox-field-${f}`}
            value={values[f]}
            onInput={(e) => setValues({ ...values, [f]: e.currentTarget.value })}
          />
          {byField.has(f) && <span class="field-error">{byField.get(f)!.join(t('common.listSep'))}</span>}
        </label>
      ))}
      <div class="seg">
        <button
          type="button"
          class="btn btn-primary"
          data-testid="outbox-retry"
          onClick={async () => {
            await retryItem(item.id, values);
          }}
        >
          {t('outbox.retry')}
        </button>
        <button
          type="button"
          class="btn btn-danger"
          data-testid="outbox-discard"
          onClick={async () => {
            if (window.confirm(t('outbox.discardConfirm'))) await discardItem(item.id);
          }}
        >
          {t('outbox.discard')}
        </button>
      </div>
    </div>
  );
}

function Row({ item, waiting }: { item: OutboxItem; waiting: boolean }) {
  return (
    <li class="card card-pad outbox-item" data-testid="outbox-item" data-state={item.state} data-kind={item.kind} data-id={item.id}>
      <div class="outbox-head">
        <strong>{summary(item)}</strong>
        <span class={`state outbox-${item.state}`}>{t(`outbox.state.${item.state}`)}</span>
      </div>
      <span class="muted">
        {fmtTime(item.createdAt)}
        {item.caseId && item.kind !== 'create_case' ? (
          <>
            {' · '}
            <a href={`/cases/${encodeURIComponent(item.caseId)}`}>{item.caseId.slice(0, 8)}</a>
          </>
        ) : null}
      </span>
      {item.state === 'queued' && item.attempts > 0 && (
        <span class="muted">
          {tn('outbox.attempts', item.attempts)} · {t('outbox.nextTry', { time: fmtTime(item.nextAttemptAt) })}
        </span>
      )}
      {waiting && <span class="muted">{t('outbox.waiting')}</span>}
      {item.state === 'needs_attention' && <Fixer key={item.key} item={item} />}
    </li>
  );
}

export function OutboxPage() {
  const items = useOutbox();
  const unsent = items.filter((i) => i.state !== 'sent');
  // Refused writes first: they need the user.
  unsent.sort((a, b) => Number(b.state === 'needs_attention') - Number(a.state === 'needs_attention'));
  const sent = items.filter((i) => i.state === 'sent').reverse().slice(0, 20);
  const states = new Map(items.map((i) => [i.id, i.state]));
  // A write waits for its report, or for an earlier unsent write on the same case (they go in order).
  const waits = (i: OutboxItem) =>
    (!!i.dependsOn && !!states.get(i.dependsOn) && states.get(i.dependsOn) !== 'sent') ||
    (i.state === 'queued' &&
      !!i.caseId &&
      items.some((e) => e.caseId === i.caseId && e.createdAt < i.createdAt && e.state !== 'sent'));

  return (
    <Page
      title={t('outbox.title')}
      actions={
        <button type="button" class="btn btn-secondary" data-testid="outbox-sync" onClick={() => void syncNow({ force: true })}>
          {t('header.sync')}
        </button>
      }
    >
      {lastSyncAt.value && <p class="muted">{t('outbox.lastSync', { time: fmtTime(lastSyncAt.value) })}</p>}
      {unsent.length === 0 && <p class="note">{t('outbox.empty')}</p>}
      <ul class="list" data-testid="outbox-list">
        {unsent.map((i) => (
          <Row key={i.id} item={i} waiting={waits(i)} />
        ))}
      </ul>
      {sent.length > 0 && (
        <>
          <h2>{t('outbox.sentList')}</h2>
          <ul class="list">
            {sent.map((i) => (
              <Row key={i.id} item={i} waiting={false} />
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
