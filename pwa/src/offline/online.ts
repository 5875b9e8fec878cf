// Whether the app can reach the server, as the user should be told: the browser's
// online/offline events, and what the last API request found (a fetch that got no
// answer at all means offline even while navigator.onLine still says true).
import { signal } from '@preact/signals';

export const online = signal(typeof navigator === 'undefined' || navigator.onLine !== false);

/** The API client's verdict on each request: answered (true) or no answer at all (false). */
export function noteReachable(reached: boolean): void {
  // While the browser says offline, an answer came from the service worker's cache (photos):
  // only the browser's `online` event ends that.
  const now = reached && typeof navigator !== 'undefined' && navigator.onLine === false ? false : reached;
  if (online.value !== now) online.value = now;
}

/** Follow the browser's online/offline events; returns the unsubscribe. */
export function watchOnline(): () => void {
  const update = () => noteReachable(navigator.onLine !== false);
  update();
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  return () => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  };
}
