import { signal } from '@preact/signals';
import type { Category } from '../api/types';
import { categoryName, t, type MessageKey } from '../i18n';

/** The server's categories as last read (cache or network): every screen names a category
 * the way the report tiles do. */
export const knownCategories = signal<Category[] | undefined>(undefined);

// Built-in so the report tiles work on a first offline start (the names are the server's
// national list, categories/service.py NATIONAL_CATEGORIES).
export const DEFAULT_CATEGORIES = [
  'elderly_care',
  'childcare',
  'community_meals',
  'housekeeping',
  'health',
  'fitness',
  'culture_leisure',
  'childrens_play',
  'facility',
  'other',
] as const;

const GLYPHS: Record<string, string> = {
  elderly_care: '👵',
  childcare: '🍼',
  community_meals: '🍲',
  housekeeping: '🧹',
  health: '🩺',
  fitness: '🏃',
  culture_leisure: '🎭',
  childrens_play: '🛝',
  facility: '🔧',
  other: '💬',
};

export function categoryGlyph(c: { code: string; icon?: string }): string {
  // The server's icon may be an emoji or an icon name; only use it when it is a glyph.
  if (c.icon && !/^[\w-]+$/.test(c.icon) && c.icon.length <= 4) return c.icon;
  return GLYPHS[c.code] ?? GLYPHS.other;
}

export function categoryLabel(code: string, list: Category[] | undefined = knownCategories.value): string {
  const found = list?.find((c) => c.code === code);
  if (found) return categoryName(found);
  const key = `category.${code}` as MessageKey;
  return (DEFAULT_CATEGORIES as readonly string[]).includes(code) ? t(key) : code;
}
