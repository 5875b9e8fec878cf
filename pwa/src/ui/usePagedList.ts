import { useState } from 'preact/hooks';

export interface PagedList<T> {
  /** Items fetched with "load more" after the first page (none once the query changes). */
  extra: T[];
  /** Where the next page starts; null when there is none. */
  cursor: string | null;
  /** Why the last "load more" failed, or null. */
  moreError: unknown;
  loadMore: () => Promise<void>;
}

/**
 * Cursor paging after a first page the caller already has (`firstCursor`, from its resource).
 * Pages loaded for one query (`args`) are dropped when the query changes.
 */
export function usePagedList<A extends object, T>(
  args: A,
  firstCursor: string | null | undefined,
  fetchPage: (args: A & { cursor: string }) => Promise<{ items: T[]; next_cursor: string | null }>,
): PagedList<T> {
  const [more, setMore] = useState<{ key: string; items: T[]; cursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const key = JSON.stringify(args);
  const extra = more?.key === key ? more.items : [];
  const cursor = more?.key === key ? more.cursor : (firstCursor ?? null);

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await fetchPage({ ...args, cursor });
      setMore({ key, items: [...extra, ...page.items], cursor: page.next_cursor });
      setMoreError(null);
    } catch (e) {
      setMoreError(e);
    }
  };

  return { extra, cursor, moreError, loadMore };
}
