import { signal } from '@preact/signals';
import { zhCN, type MessageKey, type Messages } from './zh-CN';
import type { Category, Org } from '../api/types';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };

// English comes in a chunk of its own, fetched the first time it is chosen (most people read
// Chinese, and the first screen of a cheap phone should not wait for both).
const dictionaries: Partial<Record<Locale, Messages>> = { 'zh-CN': zhCN };

/** Fetch a locale's dictionary once (the service worker keeps it for offline use). */
export async function loadLocale(l: Locale): Promise<void> {
  if (!dictionaries[l]) dictionaries[l] = (await import('./en')).en;
}
const KEY = 'linli.lang';

function initial(): Locale {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export const locale = signal<Locale>(initial());

/** Switch the language: at once when its dictionary is here, else once it has arrived. */
export function setLocale(l: Locale): Promise<void> {
  if (!dictionaries[l]) return loadLocale(l).then(() => setLocale(l));
  locale.value = l;
  try {
    localStorage.setItem(KEY, l);
  } catch {
    // private mode: the choice lasts for this visit
  }
  applyDocumentLocale();
  return Promise.resolve();
}

export function applyDocumentLocale(): void {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = locale.value;
  document.title = t('app.name');
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  let s: string = (dictionaries[locale.value] ?? zhCN)[key];
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** Keys with plural forms: `${base}.one`, `${base}.other` (and any other CLDR category a locale needs). */
export type PluralKey = { [K in MessageKey]: K extends `${infer B}.other` ? B : never }[MessageKey];

const pluralRules = new Map<string, Intl.PluralRules>();
/** A counted phrase in the right plural form ("1 star", "2 stars"); `{n}` is the count. */
export function tn(base: PluralKey, n: number, params: Record<string, string | number> = {}): string {
  const loc = locale.value;
  let rules = pluralRules.get(loc);
  if (!rules) pluralRules.set(loc, (rules = new Intl.PluralRules(loc)));
  const form = `${base}.${rules.select(n)}`;
  const key = (form in zhCN ? form : `${base}.other`) as MessageKey;
  return t(key, { ...params, n });
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** A wire time (UTC ISO 8601) or epoch ms, shown in Asia/Shanghai. */
export function fmtTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  const loc = locale.value;
  let f = formatters.get(loc);
  if (!f) {
    f = new Intl.DateTimeFormat(loc, {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    formatters.set(loc, f);
  }
  return f.format(d);
}

/** Start of today in Asia/Shanghai (UTC+8, no DST), as UTC ISO 8601. */
export function shanghaiDayStart(now = Date.now()): string {
  const offset = 8 * 3600_000;
  const local = now + offset;
  return new Date(local - (local % 86_400_000) - offset).toISOString();
}

export function categoryName(c: Pick<Category, 'name_zh' | 'name_en'> | undefined, fallback = ''): string {
  if (!c) return fallback;
  return locale.value === 'en' ? c.name_en || c.name_zh : c.name_zh || c.name_en;
}

/** A label the server keeps in both languages (a category's extra question, a choice). */
export function labelOf(l: { label_zh: string; label_en: string }): string {
  return locale.value === 'en' ? l.label_en || l.label_zh : l.label_zh || l.label_en;
}

export function orgName(o: Pick<Org, 'name' | 'name_en'> | undefined): string {
  if (!o) return '';
  return locale.value === 'en' ? o.name_en || o.name : o.name || o.name_en;
}

/** "剩余 3 小时" / "超时 2 天": a deadline relative to now (minutes under an hour, hours under two days). */
export function fmtRelative(at: string, now = Date.now()): { overdue: boolean; text: string } {
  const diff = Date.parse(at) - now;
  const abs = Math.abs(diff);
  const minutes = Math.max(1, Math.floor(abs / 60_000));
  const span =
    minutes < 60
      ? t('time.minutes', { n: minutes })
      : minutes < 48 * 60
        ? t('time.hours', { n: Math.floor(minutes / 60) })
        : t('time.days', { n: Math.floor(minutes / 1440) });
  const overdue = diff < 0;
  return { overdue, text: t(overdue ? 'cases.overdueBy' : 'cases.dueIn', { time: span }) };
}

const SHANGHAI_MS = 8 * 3600_000;
/** A moment as the value of an <input type="datetime-local">, in Shanghai wall time. */
export function toShanghaiInput(ms: number): string {
  return new Date(ms + SHANGHAI_MS).toISOString().slice(0, 16);
}
/** An <input type="datetime-local"> value read as Shanghai wall time → UTC ISO 8601 ('' if invalid). */
export function fromShanghaiInput(value: string): string {
  const ms = Date.parse(`${value}:00+08:00`);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** For keys built from server values (reasons, rules): fall back when the server says something new. */
export function hasKey(key: string): key is MessageKey {
  return key in zhCN;
}
