// Numbers for the figures screens, in the chosen locale (Intl, one formatter per style).
import { locale } from '../i18n';

const cache = new Map<string, Intl.NumberFormat>();
function nf(style: 'int' | 'pct' | 'dec'): Intl.NumberFormat {
  const key = `${locale.value}:${style}`;
  let f = cache.get(key);
  if (!f) {
    const opts: Intl.NumberFormatOptions =
      style === 'pct'
        ? { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }
        : style === 'dec'
          ? { minimumFractionDigits: 1, maximumFractionDigits: 1 }
          : { maximumFractionDigits: 0 };
    cache.set(key, (f = new Intl.NumberFormat(locale.value, opts)));
  }
  return f;
}

export const fmtInt = (n: number): string => nf('int').format(n);
/** A share between 0 and 1 as a percentage with one decimal. */
export const fmtPct = (share: number): string => nf('pct').format(share);
/** One decimal (scores, hours). */
export const fmtDec = (n: number): string => nf('dec').format(n);

/** `YYYY-MM` of a moment in Asia/Shanghai. */
export function shanghaiMonth(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 7);
}

/** The month `n` months before `period` (`YYYY-MM`). */
export function monthBefore(period: string, n: number): string {
  const [y, m] = period.split('-').map(Number);
  const i = y * 12 + (m - 1) - n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** `count` months ending with `last`, oldest first. */
export function monthsUpTo(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => monthBefore(last, count - 1 - i));
}

/** "November 2026" in the locale; `axis`: the month alone, with its year in January (chart labels). */
export function fmtMonth(period: string, style: 'long' | 'axis' = 'long'): string {
  const [y, m] = period.split('-').map(Number);
  const opts: Intl.DateTimeFormatOptions =
    style === 'axis' ? (m === 1 ? { year: '2-digit', month: 'short' } : { month: 'short' }) : { year: 'numeric', month: 'long' };
  return new Intl.DateTimeFormat(locale.value, { ...opts, timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 15));
}

/** A wire time as a date in Asia/Shanghai ("Dec 1, 2026" in the locale). */
export function fmtDate(value: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale.value, { timeZone: 'Asia/Shanghai', dateStyle: 'medium' }).format(d);
}
