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
  const json = (await subscribeToPush(key)).toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) return 'denied';
  await api.subscribePush({ endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth }, language });
  return 'on';
}
