import { useMemo } from 'preact/hooks';
import type { Read } from '../offline/cache';
import { useResource, type Resource } from './useResource';

/**
 * useResource for reads kept off the device: only the answer to the current query is shown.
 * (useResource keeps the previous answer while the next loads; for a cached read the cache
 * replaces it at once, but here offline would leave another month's figures on screen.)
 */
export function useFigures<T>(read: Read<T> | null): Resource<T> {
  const tagged = useMemo<Read<{ key: string; value: T }> | null>(
    () =>
      read && {
        key: read.key,
        cached: async () => undefined,
        fresh: async () => ({ key: read.key, value: await read.fresh() }),
      },
    [read],
  );
  const res = useResource(tagged);
  const data = read && res.data?.key === read.key ? res.data.value : undefined;
  return { ...res, data, fromCache: false };
}
