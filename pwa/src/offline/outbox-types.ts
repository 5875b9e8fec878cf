import type { Problem } from '../api/types';

export type OutboxState = 'queued' | 'sending' | 'sent' | 'needs_attention';

export type WriteKind =
  | 'create_case'
  | 'support'
  | 'rating'
  | 'appeal'
  | 'add_info'
  | 'visit'
  | 'action'
  | 'attachment'
  | 'task_action'
  | 'review'
  | 'notification_read'
  | 'notifications_read_all';

export interface StoredFile {
  name: string;
  type: string;
  /** Bytes rather than a Blob: Blobs in IndexedDB have been unreliable on Safari. */
  data: ArrayBuffer;
}

export interface OutboxItem {
  /** Stable local id (the first Idempotency-Key). */
  id: string;
  /** Sent as Idempotency-Key; reused on every retry, renewed only by "edit & retry". */
  key: string;
  kind: WriteKind;
  method: 'POST';
  path: string;
  body?: Record<string, unknown>;
  file?: StoredFile;
  /** The case this write is about (for showing "pending" on it). */
  caseId?: string;
  /** Outbox id of a write that must be sent first (a photo waits for its new case). */
  dependsOn?: string;
  /** How the outbox names what the write is about (a visit's household); never sent. */
  label?: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
  sentAt?: number;
  lastStatus?: number;
  problem?: Problem;
  response?: unknown;
}
