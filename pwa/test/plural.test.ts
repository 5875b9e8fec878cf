// Issue 7 item 19: counted phrases use the locale's plural forms ("1 star", not "1 stars").
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale, tn } from '../src/i18n';

afterEach(() => setLocale('zh-CN'));

describe('plural forms', () => {
  it('picks one/other in English and the one form in Chinese', () => {
    setLocale('en');
    expect(tn('rating.stars', 1)).toBe('1 star');
    expect(tn('rating.stars', 4)).toBe('4 stars');
    expect(tn('outbox.attempts', 1)).toBe('1 attempt');
    expect(tn('rating.yours', 1, { resolved: 'Resolved' })).toBe('Your rating: 1 star, Resolved');
    setLocale('zh-CN');
    expect(tn('rating.stars', 1)).toBe('1 星');
    expect(tn('round.households', 2)).toBe('2 户');
  });
});
