import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('UI strings', () => {
  it('has no Chinese text outside src/i18n', () => {
    const offenders = files('src')
      .filter((f) => /\.(tsx?|css)$/.test(f) && !f.includes(join('src', 'i18n')))
      .filter((f) => /\p{Script=Han}/u.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('has no literal text between JSX tags outside src/i18n', () => {
    // Text children must come from t(); glyphs like ★ × ⟳ are allowed.
    const offenders: string[] = [];
    for (const f of files('src').filter((f) => f.endsWith('.tsx'))) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/>\s*([A-Za-z][A-Za-z ,.'!?]{2,})\s*</g)) offenders.push(`${f}: ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });
});
