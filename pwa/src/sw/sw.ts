/// <reference lib="webworker" />
// Service worker: precached app shell, SPA navigation fallback (never for /api/),
// cached attachment images, a Background Sync nudge to the open pages, and Web Push
// notifications that open their case.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { clickPath, noticeFrom } from './push';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api\//, /^\/open311\//],
  }),
);

// Attachment bytes never change under the same URL; the page clears this cache on sign-out.
registerRoute(
  ({ url, request }) =>
    url.origin === self.location.origin && request.method === 'GET' && /^\/api\/v1\/cases\/[^/]+\/attachments\/[^/]+$/.test(url.pathname),
  new CacheFirst({
    cacheName: 'linli-attachments',
    plugins: [new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 30 * 24 * 3600 })],
  }),
);

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The outbox lives in the page (tokens are attached there): wake the pages up.
self.addEventListener('sync', (event) => {
  const e = event as ExtendableEvent & { tag?: string };
  if (e.tag !== 'linli-outbox') return;
  e.waitUntil(
    self.clients.matchAll({ type: 'window' }).then((clients) => {
      for (const c of clients) c.postMessage({ type: 'LINLI_SYNC' });
    }),
  );
});

// A notification from the server (reference and a short text, in the subscriber's language).
self.addEventListener('push', (event) => {
  const notice = noticeFrom(event.data?.text());
  if (!notice) return;
  event.waitUntil(
    self.registration.showNotification(notice.title, {
      body: notice.body,
      tag: notice.tag,
      icon: '/icons/icon-192.png',
      data: { url: notice.url },
    }),
  );
});

// A click opens the case: in an open window of the app if there is one, else a new one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(clickPath(event.notification.data?.url), self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        await open.navigate(url);
        return;
      }
      await self.clients.openWindow(url);
    }),
  );
});
