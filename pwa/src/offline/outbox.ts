// The outbox: every write lands here first, keyed by a client UUID, then
// src/offline/sync.ts sends it. Nothing leaves the outbox without the user
// seeing it: refused writes wait in `needs_attention` until edited or discarded.
import { signal } from '@preact/signals';
import { withDb, currentDbName } from './db';
import type { OutboxItem, StoredFile, WriteKind } from './outbox-types';
import type { ActionBody, AppealBody, CaseAction, CaseCreate, CoTask, RatingBody, ReviewBody, TaskAction, TaskActionBody, VisitCreate } from '../api/types';

export type { OutboxItem, OutboxState, StoredFile, WriteKind } from './outbox-types';

/** Unsent writes (queued, sending, needs_attention) and those among them needing the user. */
export const outboxCounts = signal({ pending: 0, attention: 0 });
/** Bumped on every change so views can re-read the outbox. */
export const outboxRevision = signal(0);

const enqueueListeners = new Set<() => void>();
export function onEnqueue(fn: () => void): () => void {
  enqueueListeners.add(fn);
  return () => enqueueListeners.delete(fn);
}

export function newId(): string {
  return crypto.randomUUID();
}

export async function listOutbox(): Promise<OutboxItem[]> {
  return withDb((db) => db.getAllFromIndex('outbox', 'createdAt'));
}

export async function getItem(id: string): Promise<OutboxItem | undefined> {
  return withDb((db) => db.get('outbox', id));
}

export async function putItem(item: OutboxItem): Promise<void> {
  await withDb((db) => db.put('outbox', item));
}

export async function refreshOutboxSignals(): Promise<void> {
  if (!currentDbName()) {
    outboxCounts.value = { pending: 0, attention: 0 };
    return;
  }
  const items = await listOutbox();
  const pending = items.filter((i) => i.state !== 'sent').length;
  const attention = items.filter((i) => i.state === 'needs_attention').length;
  outboxCounts.value = { pending, attention };
  outboxRevision.value++;
}

export interface Draft {
  kind: WriteKind;
  path: string;
  body?: Record<string, unknown>;
  file?: StoredFile;
  caseId?: string;
  dependsOn?: string;
  id?: string;
  label?: string;
}

let lastCreatedAt = 0;
/** Strictly increasing, so writes made in the same millisecond keep their order. */
function stamp(): number {
  lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1);
  return lastCreatedAt;
}

export async function enqueue(draft: Draft, notify = true): Promise<OutboxItem> {
  const id = draft.id ?? newId();
  const now = stamp();
  const item: OutboxItem = {
    id,
    key: id,
    kind: draft.kind,
    method: 'POST',
    path: draft.path,
    body: draft.body,
    file: draft.file,
    caseId: draft.caseId,
    dependsOn: draft.dependsOn,
    ...(draft.label ? { label: draft.label } : {}),
    state: 'queued',
    attempts: 0,
    nextAttemptAt: 0,
    createdAt: now,
    updatedAt: now,
  };
  await putItem(item);
  await refreshOutboxSignals();
  if (notify) for (const fn of enqueueListeners) fn();
  return item;
}

function notifyEnqueued(): void {
  for (const fn of enqueueListeners) fn();
}

const enc = encodeURIComponent;

// --- The writes the app makes -------------------------------------------------

/** A new report; its client UUID is the Idempotency-Key and the case id. Photos follow it. */
export async function reportCase(body: Omit<CaseCreate, 'id'>, photos: StoredFile[] = []): Promise<OutboxItem> {
  const id = newId();
  const item = await enqueue(
    { id, kind: 'create_case', path: '/cases', body: { ...body, id } as Record<string, unknown>, caseId: id },
    false,
  );
  for (const file of photos) {
    await enqueue({ kind: 'attachment', path: `/cases/${enc(id)}/attachments`, file, caseId: id, dependsOn: id }, false);
  }
  notifyEnqueued();
  return item;
}

export function supportCase(caseId: string): Promise<OutboxItem> {
  return enqueue({ kind: 'support', path: `/cases/${enc(caseId)}/support`, body: {}, caseId });
}

export function appealCase(caseId: string, body: AppealBody): Promise<OutboxItem> {
  return enqueue({ kind: 'appeal', path: `/cases/${enc(caseId)}/appeal`, body: { ...body }, caseId });
}

export function rateCase(caseId: string, body: RatingBody): Promise<OutboxItem> {
  return enqueue({ kind: 'rating', path: `/cases/${enc(caseId)}/rating`, body: { ...body }, caseId });
}

/** A household visited on the round; `label` ("building unit") is how the outbox names it. */
export function recordVisit(body: Omit<VisitCreate, 'id'>, label?: string): Promise<OutboxItem> {
  const id = newId();
  return enqueue({ id, kind: 'visit', path: '/visits', body: { ...body, id }, label });
}

/** A case action; photos (e.g. with "resolve") are uploaded before the action is sent. */
export async function caseAction(
  caseId: string,
  action: CaseAction,
  body: ActionBody,
  photos: StoredFile[] = [],
): Promise<OutboxItem> {
  for (const file of photos) {
    await enqueue({ kind: 'attachment', path: `/cases/${enc(caseId)}/attachments`, file, caseId }, false);
  }
  const item = await enqueue(
    { kind: 'action', path: `/cases/${enc(caseId)}/actions/${enc(action)}`, body: { ...body }, caseId },
    false,
  );
  notifyEnqueued();
  return item;
}

/** The reporter adds to an open case: photos first, then the words (either may be absent). */
export async function addInformation(caseId: string, note: string, photos: StoredFile[] = []): Promise<OutboxItem | undefined> {
  let last: OutboxItem | undefined;
  for (const file of photos) {
    last = await enqueue({ kind: 'attachment', path: `/cases/${enc(caseId)}/attachments`, file, caseId }, false);
  }
  if (note) last = await enqueue({ kind: 'add_info', path: `/cases/${enc(caseId)}/info`, body: { note }, caseId }, false);
  notifyEnqueued();
  return last;
}

/** How long an online write may take before the screen says it waits in the outbox. */
const ONLINE_WAIT_MS = 10_000;

/** Wait for a write to leave the outbox (the sync sends it at once when online). */
export async function settled(id: string): Promise<'sent' | 'refused' | 'waiting'> {
  const until = Date.now() + ONLINE_WAIT_MS;
  while (Date.now() < until) {
    const item = await getItem(id);
    if (!item || item.state === 'sent') return 'sent';
    if (item.state === 'needs_attention') return 'refused';
    await new Promise((r) => setTimeout(r, 150));
  }
  return 'waiting';
}

/** A co-unit's step on its joint-handling task (accept, complete, return with a reason). */
export function taskAction(task: Pick<CoTask, 'id' | 'case_id'>, action: TaskAction, body: TaskActionBody): Promise<OutboxItem> {
  return enqueue({ kind: 'task_action', path: `/tasks/${task.id}/actions/${enc(action)}`, body: { ...body }, caseId: task.case_id });
}

/** A reviewer's supervision note or sign-off on a case (neither changes the case). */
export function reviewCase(caseId: string, body: ReviewBody): Promise<OutboxItem> {
  return enqueue({ kind: 'review', path: `/cases/${enc(caseId)}/reviews`, body: { ...body }, caseId });
}

/** Reading a notification is a write too: it waits in the outbox when offline. */
export function markNotificationRead(id: number): Promise<OutboxItem> {
  return enqueue({ kind: 'notification_read', path: `/notifications/${id}/read`, body: {} });
}

export function markAllNotificationsRead(): Promise<OutboxItem> {
  return enqueue({ kind: 'notifications_read_all', path: '/notifications/read-all', body: {} });
}

/** The task an outbox item acts on, if it is a task action. */
export function taskIdOf(item: OutboxItem): number | null {
  const m = /^\/tasks\/(\d+)\//.exec(item.path);
  return item.kind === 'task_action' && m ? Number(m[1]) : null;
}

export function actionOf(item: OutboxItem): string | null {
  const m = /\/actions\/([^/]+)$/.exec(item.path);
  return m ? decodeURIComponent(m[1]) : null;
}

// --- Fixing refused writes ----------------------------------------------------

/**
 * Put a refused write back in the queue, with the user's edits. A refused write
 * created nothing on the server, so it gets a fresh Idempotency-Key (the server
 * may remember the refusal under the old one). A new report keeps key == case id.
 */
export async function retryItem(id: string, patch: Record<string, unknown> = {}): Promise<OutboxItem | undefined> {
  const item = await getItem(id);
  if (!item || item.state !== 'needs_attention') return item;
  const key = newId();
  let body = item.body ? { ...item.body, ...patch } : item.body;
  // A stale version (409) carries the current case: retry against its version.
  const current = item.problem?.case;
  if (item.kind === 'action' && body && current && !('version' in patch)) body = { ...body, version: current.version };
  const updated: OutboxItem = {
    ...item,
    key,
    body,
    state: 'queued',
    attempts: 0,
    nextAttemptAt: 0,
    updatedAt: Date.now(),
    problem: undefined,
    lastStatus: undefined,
  };
  if (item.kind === 'create_case' && body) {
    const oldCaseId = item.caseId;
    updated.body = { ...body, id: key };
    updated.caseId = key;
    // Photos waiting for this report follow the new case id.
    for (const dep of await listOutbox()) {
      if (dep.dependsOn === item.id && dep.state !== 'sent') {
        await putItem({
          ...dep,
          caseId: key,
          path: dep.path.replace(`/cases/${enc(oldCaseId ?? '')}/`, `/cases/${enc(key)}/`),
        });
      }
    }
  }
  await putItem(updated);
  await refreshOutboxSignals();
  notifyEnqueued();
  return updated;
}

/** Drop a write the user gave up on, with the writes that depend on it. */
export async function discardItem(id: string): Promise<void> {
  const all = await listOutbox();
  const doomed = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const i of all) {
      if (i.dependsOn && doomed.has(i.dependsOn) && !doomed.has(i.id) && i.state !== 'sent') {
        doomed.add(i.id);
        grew = true;
      }
    }
  }
  await withDb(async (db) => {
    const tx = db.transaction('outbox', 'readwrite');
    for (const d of doomed) await tx.store.delete(d);
    await tx.done;
  });
  await refreshOutboxSignals();
}

const KEEP_SENT_MS = 7 * 24 * 3600 * 1000;
/** Sent writes stay a week as a receipt, then go. */
export async function pruneSent(now = Date.now()): Promise<void> {
  const old = (await listOutbox()).filter((i) => i.state === 'sent' && (i.sentAt ?? 0) < now - KEEP_SENT_MS);
  if (!old.length) return;
  await withDb(async (db) => {
    const tx = db.transaction('outbox', 'readwrite');
    for (const i of old) await tx.store.delete(i.id);
    await tx.done;
  });
}
