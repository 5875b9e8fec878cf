import { useEffect, useState } from 'preact/hooks';
import { NetworkError } from '../api/errors';
import type { Read } from '../offline/cache';
import { sentRevision } from '../offline/sync';

export interface Resource<T> {
  data: T | undefined;
  /** The data shown is the offline copy (the network failed or has not answered yet). */
  fromCache: boolean;
  loading: boolean;
  offline: boolean;
  error: unknown;
  reload: () => void;
}

/** Show the offline copy at once, then the server's answer; refetch after each sync. */
export function useResource<T>(read: Read<T> | null): Resource<T> {
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<Omit<Resource<T>, 'reload'>>({
    data: undefined,
    fromCache: false,
    loading: true,
    offline: false,
    error: null,
  });
  const revision = sentRevision.value;
  const key = read?.key ?? null;

  useEffect(() => {
    if (!read) {
      setState({ data: undefined, fromCache: false, loading: false, offline: false, error: null });
      return;
    }
    let alive = true;
    let freshArrived = false;
    setState((s) => ({ ...s, loading: true, error: null }));
    read
      .cached()
      .then((d) => {
        if (alive && !freshArrived && d !== undefined) setState((s) => ({ ...s, data: d, fromCache: true }));
      })
      .catch(() => undefined);
    read
      .fresh()
      .then((d) => {
        freshArrived = true;
        if (alive) setState({ data: d, fromCache: false, loading: false, offline: false, error: null });
      })
      .catch((e) => {
        if (alive) setState((s) => ({ ...s, loading: false, offline: e instanceof NetworkError, error: e }));
      });
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick, revision]);

  return { ...state, reload: () => setTick((n) => n + 1) };
}
