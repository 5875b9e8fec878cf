// What a push from the server carries (backend notifications/delivery.py), checked before
// it is shown: only a path of this app is opened on click. A payload without a title is
// not ours (the server always words one): it is not shown.
export type PushNotice = { title: string; body: string; url: string; tag: string };

export const INBOX = '/notifications';

function samePath(url: unknown): url is string {
  return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//');
}

export function noticeFrom(text: string | null | undefined): PushNotice | null {
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (typeof d.title !== 'string' || !d.title) return null;
  return {
    title: d.title,
    body: typeof d.body === 'string' ? d.body : '',
    url: samePath(d.url) ? d.url : INBOX,
    tag: typeof d.tag === 'string' && d.tag ? d.tag : 'linli',
  };
}

/** Where a click on a shown notification goes (its data is ours, but check anyway). */
export function clickPath(url: unknown): string {
  return samePath(url) ? url : INBOX;
}
