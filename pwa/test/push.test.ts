import { afterEach, describe, expect, it, vi } from 'vitest';
import { setPush } from '../src/features/auth/push';
import { applicationServerKey, pushSupported } from '../src/offline/sw-bridge';
import { clickPath, noticeFrom } from '../src/sw/push';
import { json, mockFetch, signedInWithSync } from './helpers';

describe('a push from the server', () => {
  it('is shown as sent', () => {
    const sent = { title: 'Linli', body: 'Your case LL-1 was accepted', url: '/cases/abc', tag: 'case-abc' };
    expect(noticeFrom(JSON.stringify(sent))).toEqual(sent);
  });

  it('opens only a path of this app', () => {
    for (const url of ['https://evil.example/x', '//evil.example/x', 'javascript:alert(1)', 42]) {
      expect(noticeFrom(JSON.stringify({ title: 't', body: 'b', url }))?.url).toBe('/notifications');
      expect(clickPath(url)).toBe('/notifications');
    }
    expect(clickPath('/cases/abc')).toBe('/cases/abc');
  });

  it('is not shown when it is not ours (no title, not JSON, empty)', () => {
    expect(noticeFrom(null)).toBeNull();
    expect(noticeFrom('{not json')).toBeNull();
    expect(noticeFrom(JSON.stringify({ body: 'b' }))).toBeNull();
  });
});

describe('the VAPID key', () => {
  it('decodes from base64url to the 65 bytes of a P-256 point', () => {
    const bytes = new Uint8Array(65).map((_, i) => (i === 0 ? 4 : (i * 37) % 256));
    const base64url = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(Array.from(applicationServerKey(base64url))).toEqual(Array.from(bytes));
  });
});

describe('push support', () => {
  it('is absent where the browser has no PushManager (jsdom, many Android browsers)', () => {
    expect(pushSupported()).toBe(false);
  });
});

describe('turning push on and off', () => {
  signedInWithSync();
  afterEach(() => {
    delete (navigator as { serviceWorker?: unknown }).serviceWorker;
  });

  const subscription = {
    endpoint: 'https://push.example.org/send/1',
    toJSON: () => ({ endpoint: 'https://push.example.org/send/1', keys: { p256dh: 'BKey', auth: 'secret' } }),
    unsubscribe: vi.fn(async () => true),
  };
  const pushManager = { getSubscription: vi.fn(async () => null as unknown), subscribe: vi.fn(async (_options: PushSubscriptionOptionsInit) => subscription) };

  function browserWithPush(permission: NotificationPermission) {
    Object.defineProperty(navigator, 'serviceWorker', {
      configurable: true,
      value: { ready: Promise.resolve({ pushManager }), getRegistration: async () => ({ pushManager }) },
    });
    vi.stubGlobal('Notification', { requestPermission: vi.fn(async () => permission) });
  }

  function server(publicKey: string | null) {
    return mockFetch((call) => {
      if (call.url.endsWith('/push/vapid-public-key')) return json(200, { public_key: publicKey });
      if (call.url.endsWith('/push/subscriptions') && call.method === 'DELETE') return json(404, { status: 404 });
      return json(201, { endpoint: subscription.endpoint, language: 'en', created_at: '2026-12-04T00:00:00Z' });
    });
  }

  it('subscribes with the server key and posts the subscription in the device language', async () => {
    browserWithPush('granted');
    const { calls } = server('BOmM');
    expect(await setPush(true, 'en')).toBe('on');
    const [options] = pushManager.subscribe.mock.calls[pushManager.subscribe.mock.calls.length - 1];
    expect(Array.from(options.applicationServerKey as Uint8Array)).toEqual(
      Array.from(applicationServerKey('BOmM')),
    );
    const posted = calls.find((c) => c.method === 'POST');
    expect(posted?.body).toEqual({ endpoint: subscription.endpoint, keys: { p256dh: 'BKey', auth: 'secret' }, language: 'en' });
  });

  it('asks nothing of the user when the server sends no push', async () => {
    browserWithPush('granted');
    server(null);
    expect(await setPush(true, 'zh-CN')).toBe('serverOff');
    expect(Notification.requestPermission).not.toHaveBeenCalled();
  });

  it('stops when the user says no', async () => {
    browserWithPush('denied');
    const { calls } = server('BOmM');
    expect(await setPush(true, 'zh-CN')).toBe('denied');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('turns off even when the server had forgotten the subscription', async () => {
    browserWithPush('granted');
    pushManager.getSubscription.mockResolvedValueOnce(subscription);
    server('BOmM');
    expect(await setPush(false, 'zh-CN')).toBe('off');
    expect(subscription.unsubscribe).toHaveBeenCalled();
  });
});
