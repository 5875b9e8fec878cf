// Turning this browser's push notifications on and off: the server's key, the user's
// permission, the service worker's subscription, and the server told of it.
import { api, ApiError } from '../../api';
import type { Locale } from '../../i18n';
import { pushSubscription, pushSupported, subscribeToPush } from '../../offline/sw-bridge';

export { pushSupported };

/** on / off: done; serverOff: this server sends no push; denied: the user (or browser) said no. */
export type PushOutcome = 'on' | 'off' | 'serverOff' | 'denied';

export async function pushSubscribed(): Promise<boolean> {
  try {
    return (await pushSubscription()) !== null;
  } catch {
    return false;
  }
}

function post(subscription: PushSubscription, language: Locale): Promise<void> | null {
  const json = subscription.toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) return null;
  return api.subscribePush({ endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth }, language });
}

/** The device's language changed: its pushes are worded in the new one from now on. */
export async function syncPushLanguage(language: Locale): Promise<void> {
  const subscription = await pushSubscription().catch(() => null);
  if (subscription) await post(subscription, language);
}

export async function setPush(want: boolean, language: Locale): Promise<PushOutcome> {
  if (!want) {
    const subscription = await pushSubscription();
    if (subscription) {
      await api.unsubscribePush(subscription.endpoint).catch((err: unknown) => {
        if (!(err instanceof ApiError && err.status === 404)) throw err; // 404: gone there already
      });
      await subscription.unsubscribe();
    }
    return 'off';
  }
  const { public_key: key } = await api.vapidPublicKey();
  if (!key) return 'serverOff';
  if ((await Notification.requestPermission()) !== 'granted') return 'denied';
  const sent = post(await subscribeToPush(key), language);
  if (!sent) return 'denied';
  await sent;
  return 'on';
}
