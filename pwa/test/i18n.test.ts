import { describe, expect, it } from 'vitest';
import { zhCN } from '../src/i18n/zh-CN';
import { en } from '../src/i18n/en';
import { fmtTime, locale, setLocale, shanghaiDayStart, t } from '../src/i18n';

describe('i18n', () => {
  it('has the same keys in every locale, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const v of [...Object.values(en), ...Object.values(zhCN)]) expect(v.trim()).not.toBe('');
  });

  it('uses the same placeholders in both locales', () => {
    const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
    for (const k of Object.keys(zhCN) as (keyof typeof zhCN)[]) expect([k, ph(en[k])]).toEqual([k, ph(zhCN[k])]);
  });

  it('defaults to zh-CN, switches and remembers English', () => {
    expect(locale.value).toBe('zh-CN');
    expect(t('report.supporters', { n: 3 })).toBe('3 人关注');
    setLocale('en');
    expect(t('report.supporters', { n: 3 })).toBe('3 following');
    expect(localStorage.getItem('linli.lang')).toBe('en');
    setLocale('zh-CN');
  });

  it('shows wire times in Asia/Shanghai', () => {
    expect(fmtTime('2026-11-27T18:30:00Z')).toContain('2026/11/28 02:30');
  });

  it('finds the start of the Shanghai day', () => {
    // 2026-11-27 17:00 UTC is already 2026-11-28 01:00 in Shanghai.
    expect(shanghaiDayStart(Date.parse('2026-11-27T17:00:00Z'))).toBe('2026-11-27T16:00:00.000Z');
    expect(shanghaiDayStart(Date.parse('2026-11-27T15:59:00Z'))).toBe('2026-11-26T16:00:00.000Z');
  });
});
