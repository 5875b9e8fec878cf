// @vitest-environment node
// The typed client cannot drift from the backend: src/api/schema.d.ts must be exactly
// what openapi-typescript makes of openapi.json (re-export both with `npm run gen:api`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, OUT, SPEC } from '../scripts/gen-api.mjs';

describe('generated API types', () => {
  it('match openapi.json (run `npm run gen:api` after exporting the document)', async () => {
    const expected = await generate(readFileSync(SPEC, 'utf8'));
    const committed = readFileSync(OUT, 'utf8');
    // toBe would print two 70 KB strings: say where they part instead.
    if (committed !== expected) {
      const a = committed.split('\n');
      const b = expected.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      expect.fail(`src/api/schema.d.ts is stale from line ${line + 1}: "${a[line]}" should be "${b[line]}"`);
    }
  }, 30_000);

  it('describe the paths the app calls', () => {
    const spec = JSON.parse(readFileSync(SPEC, 'utf8')) as { paths: Record<string, unknown> };
    for (const path of [
      '/api/v1/cases',
      '/api/v1/cases/{case_id}/actions/{action}',
      '/api/v1/cases/{case_id}/routing',
      '/api/v1/tasks',
      '/api/v1/tasks/{task_id}/actions/{action}',
      '/api/v1/notifications',
      '/api/v1/notifications/{notification_id}/read',
      '/api/v1/notifications/read-all',
    ]) {
      expect(spec.paths, path).toHaveProperty([path]);
    }
  });
});
