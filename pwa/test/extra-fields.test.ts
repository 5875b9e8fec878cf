// A category's extra questions on the report form: answers typed as text become the JSON the
// server checks (numbers, true/false, a choice's key), or the first thing to fix.
import { afterEach, describe, expect, it } from 'vitest';
import type { Category } from '../src/api/types';
import { answersOf } from '../src/features/report/ExtraFields';
import { setLocale } from '../src/i18n';

type Field = Category['fields'][number];
const field = (key: string, type: Field['type'], required = false): Field => ({ key, type, required, label_zh: `问${key}`, label_en: `Q ${key}`, choices: [] });
const FIELDS = [field('age', 'number', true), field('alone', 'boolean'), field('floor', 'text')];

afterEach(() => setLocale('zh-CN'));

describe('extra answers', () => {
  it('turns what was typed into typed answers and leaves out empty optional ones', () => {
    expect(answersOf(FIELDS, { age: ' 82 ', alone: 'no', floor: '' })).toEqual({ age: 82, alone: false });
    expect(answersOf(FIELDS, { age: '7', alone: 'yes', floor: ' 3 楼 ' })).toEqual({ age: 7, alone: true, floor: '3 楼' });
  });

  it('names a missing required answer or a number that is not one, in the user language', () => {
    expect(answersOf(FIELDS, {})).toBe('请填写“问age”');
    setLocale('en');
    expect(answersOf(FIELDS, { age: 'old' })).toBe('“Q age” must be a number');
  });
});
