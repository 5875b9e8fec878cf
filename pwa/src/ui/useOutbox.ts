import { useEffect, useState } from 'preact/hooks';
import { listOutbox, outboxRevision } from '../offline/outbox';
import type { OutboxItem } from '../offline/outbox-types';

/** The outbox as it is now; re-read whenever it changes. */
export function useOutbox(): OutboxItem[] {
  const [items, setItems] = useState<OutboxItem[]>([]);
  const rev = outboxRevision.value;
  useEffect(() => {
    let alive = true;
    listOutbox().then(
      (i) => alive && setItems(i),
      () => alive && setItems([]),
    );
    return () => {
      alive = false;
    };
  }, [rev]);
  return items;
}
