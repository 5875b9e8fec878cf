import { describe, expect, it } from 'vitest';
import { applicationServerKey, pushSupported } from '../src/offline/sw-bridge';
import { clickPath, noticeFrom } from '../src/sw/push';

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
