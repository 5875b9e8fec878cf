// Gzipped size of the initial JS (the entry chunk from dist/index.html and
// everything it imports statically) and of all JS; fails over the budget.
// Usage: npm run build && npm run budget
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname, resolve, relative } from 'node:path';

const DIST = resolve(process.argv[2] ?? 'dist');
const BUDGET_KB = 60;

if (!existsSync(join(DIST, 'index.html'))) {
  console.error(`no ${join(DIST, 'index.html')}: run npm run build first`);
  process.exit(2);
}

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1).padStart(6) + ' KB';

const html = readFileSync(join(DIST, 'index.html'), 'utf8');
const roots = [
  ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
].map((m) => join(DIST, m[1].replace(/^\//, '')));

// Static imports only: `import{x}from"./a.js"`, `import"./b.js"`, `export*from"./c.js"`; not import("…").
const STATIC = /(?:^|[;\s})])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g;

const initial = new Set();
const stack = [...roots];
while (stack.length) {
  const file = stack.pop();
  if (initial.has(file) || !existsSync(file)) continue;
  initial.add(file);
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(STATIC)) stack.push(resolve(dirname(file), m[1]));
}

const allJs = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.js')) allJs.push(p);
  }
};
walk(DIST);

let initialTotal = 0;
console.log('initial JS (gzip):');
for (const f of [...initial].sort()) {
  const n = gz(f);
  initialTotal += n;
  console.log(`  ${kb(n)}  ${relative(DIST, f)}`);
}
console.log(`  ${kb(initialTotal)}  = initial total (budget ${BUDGET_KB} KB)`);

let total = 0;
console.log('lazy and service worker JS (gzip):');
for (const f of allJs.sort()) {
  const n = gz(f);
  total += n;
  if (!initial.has(f)) console.log(`  ${kb(n)}  ${relative(DIST, f)}`);
}
console.log(`  ${kb(total)}  = all JS total`);

if (initialTotal > BUDGET_KB * 1024) {
  console.error(`over budget: initial JS ${kb(initialTotal)} > ${BUDGET_KB} KB`);
  process.exit(1);
}
