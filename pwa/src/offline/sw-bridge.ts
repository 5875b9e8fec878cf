// The one module that talks to the service worker (registration, updates, push).
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

/** Whether this browser can receive Web Push (many Android browsers in mainland China cannot). */
export function pushSupported(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    'serviceWorker' in navigator &&
    typeof window !== 'undefined' &&
    'PushManager' in window &&
    'Notification' in window
  );
}

/** A VAPID public key (base64url, as the server gives it) as the bytes PushManager wants. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** This browser's push subscription, if it has one. */
export async function pushSubscription(): Promise<PushSubscription | null> {
  const reg = await navigator.serviceWorker.getRegistration();
  return (await reg?.pushManager.getSubscription()) ?? null;
}

/** Subscribe through the service worker's PushManager (the user has granted permission). */
export async function subscribeToPush(vapidPublicKey: string): Promise<PushSubscription> {
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(vapidPublicKey) });
}
