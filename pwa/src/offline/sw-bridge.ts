// The one module that talks to the service worker (registration, updates).
import { signal } from '@preact/signals';
import { Workbox } from 'workbox-window';

export const updateReady = signal(false);
export const offlineReady = signal(false);

let wb: Workbox | null = null;

export function registerServiceWorker(): void {
  if (import.meta.env.DEV || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  wb = new Workbox('/sw.js', { scope: '/' });
  wb.addEventListener('waiting', () => {
    updateReady.value = true;
  });
  wb.addEventListener('installed', (e) => {
    if (!e.isUpdate) offlineReady.value = true;
  });
  void wb.register();
  // Look for a new version every hour while the app stays open.
  setInterval(() => void wb?.update(), 3600_000);
}

/** The user chose to update: let the waiting worker take over, then reload once. */
export function applyUpdate(): void {
  if (!wb) return;
  wb.addEventListener('controlling', () => window.location.reload());
  wb.messageSkipWaiting();
}

/** Where Background Sync exists, ask the worker to wake the page when back online. */
export async function requestBackgroundSync(): Promise<void> {
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    const sync = (reg as unknown as { sync?: { register(tag: string): Promise<void> } } | undefined)?.sync;
    await sync?.register('linli-outbox');
  } catch {
    // Not supported or not allowed: the page's own triggers are enough.
  }
}
