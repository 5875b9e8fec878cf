// Sends one outbox item through the API client, with its Idempotency-Key.
import { request } from '../api/client';
import type { OutboxItem } from './outbox-types';

export function sendWrite(item: OutboxItem): Promise<unknown> {
  if (item.file) {
    const form = new FormData();
    form.append('file', new Blob([item.file.data], { type: item.file.type }), item.file.name);
    return request('POST', item.path, { form, idempotencyKey: item.key });
  }
  return request('POST', item.path, { body: item.body ?? {}, idempotencyKey: item.key });
}
