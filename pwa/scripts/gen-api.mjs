// openapi.json (exported by `linli openapi write pwa/openapi.json`) → src/api/schema.d.ts.
// test/schema.test.ts imports generate() so that a stale schema.d.ts fails the tests.
// Usage: npm run gen:api
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

export const SPEC = fileURLToPath(new URL('../openapi.json', import.meta.url));
export const OUT = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));

/** The TypeScript text for an OpenAPI document (same options as the committed file). */
export async function generate(specText) {
  const ast = await openapiTS(JSON.parse(specText), { alphabetize: false });
  return COMMENT_HEADER + astToString(ast);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OUT, await generate(readFileSync(SPEC, 'utf8')));
  console.log(`wrote ${OUT}`);
}
