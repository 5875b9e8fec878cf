import { useEffect, useState } from 'preact/hooks';
import { fmtTime, t, tn } from '../../i18n';
import { knownFor, type Known } from '../../offline/cache';
import { online } from '../../offline/online';
import { actionOf, discardItem, retryItem } from '../../offline/outbox';
import type { OutboxItem } from '../../offline/outbox-types';
import { lastSyncAt, syncNow } from '../../offline/sync';
import { describe } from './describe';
import { Page } from '../../ui/bits';
import { useOutbox } from '../../ui/useOutbox';
import { fieldProblems, problemMessage } from '../../ui/problems';

const EDITABLE = ['title', 'description', 'address', 'note', 'reason', 'comment'] as const;

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

function Summary({ item, known }: { item: OutboxItem; known: Known }) {
  const d = describe(item, known);
  return (
    <strong data-testid="outbox-summary">
      {d.before}
      {d.link && <a href={d.link.href}>{d.link.text}</a>}
      {d.after}
    </strong>
  );
}

function Row({ item, waiting, known }: { item: OutboxItem; waiting: boolean; known: Known }) {
  const unsent = item.state === 'queued' || item.state === 'sending';
  return (
    <li class="card card-pad outbox-item" data-testid="outbox-item" data-state={item.state} data-kind={item.kind} data-id={item.id}>
      <div class="outbox-head">
        <Summary item={item} known={known} />
        <span class={`state outbox-${item.state}`}>{t(`outbox.state.${item.state}`)}</span>
      </div>
      <span class="muted">{fmtTime(item.sentAt ?? item.createdAt)}</span>
      {/* Offline nothing is tried: a countdown would only tick. */}
      {unsent && !online.value && (
        <span class="muted" data-testid="outbox-when-online">
          {t('outbox.whenOnline')}
        </span>
      )}
      {item.state === 'queued' && online.value && item.attempts > 0 && (
        <span class="muted" data-testid="outbox-retry-at">
          {tn('outbox.attempts', item.attempts)} · {t('outbox.nextTry', { time: fmtTime(item.nextAttemptAt) })}
        </span>
      )}
      {waiting && online.value && <span class="muted">{t('outbox.waiting')}</span>}
      {item.state === 'needs_attention' && <Fixer key={item.key} item={item} />}
    </li>
  );
}

/** Titles of the cases and labels of the households the writes are about, from the device. */
function useKnown(items: OutboxItem[]): Known {
  const [known, setKnown] = useState<Known>({ cases: new Map(), households: new Map() });
  const ids = items.map((i) => i.id).join(',');
  useEffect(() => {
    let alive = true;
    knownFor(items).then(
      (k) => alive && setKnown(k),
      () => undefined,
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ids]);
  return known;
}

export function OutboxPage() {
  const items = useOutbox();
  const known = useKnown(items);
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
          <Row key={i.id} item={i} waiting={waits(i)} known={known} />
        ))}
      </ul>
      {sent.length > 0 && (
        <>
          <h2>{t('outbox.sentList')}</h2>
          <ul class="list">
            {sent.map((i) => (
              <Row key={i.id} item={i} waiting={false} known={known} />
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
