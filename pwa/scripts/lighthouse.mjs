// Lighthouse budget: performance and accessibility of the login page, of the report form
// and of a staff queue, on a phone (Lighthouse's default mobile: simulated slow 4G, 4× CPU slowdown).
//
// Usage: npm run lighthouse -- [server URL] [--runs N] [--user U] [--staff S] [--password P] [--out DIR]
//   server URL  default http://127.0.0.1:5000 (the Flask app serving pwa/dist, e.g. ./run)
//   --runs N    audit each page N times and keep the median run (by performance score)
//   --staff S   the account whose queue (/queue) is audited, signed in apart (default dispatcher1)
//   --out DIR   also write each page's full Lighthouse report (JSON) there
// Env: CHROME_PATH (default /usr/bin/chromium).
// Exits 1 when a page scores below budget (performance ≥ 90, accessibility ≥ 95), 2 on error.
//
// The report form needs a signed-in user. The script signs in through the app's own login
// form with puppeteer-core (connected to the same Chromium; it downloads no browser), then
// hands that page to Lighthouse. Lighthouse's storage reset clears the service worker, Cache
// Storage and the HTTP cache but keeps localStorage, so the form loads cold yet signed in.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const BUDGET = { performance: 90, accessibility: 95 };
// From /work/shared/PWA-NOTES.md (root, sandbox, no outside network), plus the new headless mode.
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '1' },
    user: { type: 'string', default: 'resident1' },
    staff: { type: 'string', default: 'dispatcher1' },
    password: { type: 'string', default: process.env.LINLI_DEMO_PASSWORD ?? 'linli-demo' },
    out: { type: 'string' },
  },
});
const base = (positionals[0] ?? 'http://127.0.0.1:5000').replace(/\/+$/, '');
const runs = Math.max(1, Number.parseInt(values.runs, 10) || 1);
const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';

/** Lighthouse's defaults are the phone we want: formFactor mobile, throttling 'simulate' (slow 4G). */
const FLAGS = {
  logLevel: 'error',
  output: 'json',
  onlyCategories: ['performance', 'accessibility'],
  formFactor: 'mobile',
  throttlingMethod: 'simulate',
  screenEmulation: { mobile: true, width: 412, height: 823, deviceScaleFactor: 1.75, disabled: false },
};

async function auditOnce(page, url) {
  const result = await lighthouse(url, FLAGS, undefined, page);
  if (!result?.lhr) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  return lhr;
}

async function audit(page, name, url, check) {
  const lhrs = [];
  for (let i = 0; i < runs; i++) {
    const lhr = await auditOnce(page, url);
    if (check) await check(page);
    lhrs.push(lhr);
  }
  lhrs.sort((a, b) => (a.categories.performance.score ?? 0) - (b.categories.performance.score ?? 0));
  const lhr = lhrs[Math.floor(lhrs.length / 2)];
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, `${name}.json`), JSON.stringify(lhr, null, 1));
  }
  return { name, url, lhr };
}

async function signIn(page, user) {
  await page.goto(base + '/', { waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-testid=login-username]');
  await page.type('[data-testid=login-username]', user);
  await page.type('[data-testid=login-password]', values.password);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=logout]', { timeout: 15_000 }).catch(async () => {
    const error = await page.$eval('[data-testid=login-error]', (e) => e.textContent).catch(() => '');
    throw new Error(`could not sign in as ${user} at ${base}: ${error || 'no answer'}`);
  });
}

const score = (c) => Math.round((c.score ?? 0) * 100);
const ms = (audit) => (audit?.numericValue === undefined ? '-' : `${Math.round(audit.numericValue)} ms`);

function report(results) {
  let failed = false;
  const rows = results.map(({ name, lhr }) => {
    const perf = score(lhr.categories.performance);
    const a11y = score(lhr.categories.accessibility);
    const ok = perf >= BUDGET.performance && a11y >= BUDGET.accessibility;
    failed ||= !ok;
    const a = lhr.audits;
    return {
      page: name,
      performance: perf,
      accessibility: a11y,
      FCP: ms(a['first-contentful-paint']),
      LCP: ms(a['largest-contentful-paint']),
      TBT: ms(a['total-blocking-time']),
      CLS: (a['cumulative-layout-shift']?.numericValue ?? 0).toFixed(3),
      'SI': ms(a['speed-index']),
      budget: ok ? 'ok' : 'BELOW',
    };
  });
  console.log(`Lighthouse ${results[0].lhr.lighthouseVersion}, ${results[0].lhr.configSettings.formFactor}, ` +
    `throttling ${results[0].lhr.configSettings.throttlingMethod} (RTT ${results[0].lhr.configSettings.throttling.rttMs} ms, ` +
    `${Math.round(results[0].lhr.configSettings.throttling.throughputKbps)} kbps, CPU ×${results[0].lhr.configSettings.throttling.cpuSlowdownMultiplier}), ` +
    `${runs} run(s) per page, median shown; budget: performance ≥ ${BUDGET.performance}, accessibility ≥ ${BUDGET.accessibility}`);
  console.table(rows);

  // Say why, so a failing budget can be acted on.
  for (const { name, lhr } of results) {
    const failing = Object.values(lhr.audits).filter(
      (a) => a.score !== null && a.score < 0.9 && ['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode),
    );
    const a11yRefs = new Set(lhr.categories.accessibility.auditRefs.filter((r) => r.weight > 0).map((r) => r.id));
    const a11y = failing.filter((a) => a11yRefs.has(a.id) && a.score < 1);
    const perf = failing.filter((a) => !a11yRefs.has(a.id));
    if (!a11y.length && !perf.length) continue;
    console.log(`\n${name}: audits to look at`);
    for (const a of [...a11y, ...perf]) {
      const items = a.details?.items?.length ? ` (${a.details.items.length} items)` : '';
      console.log(`  - ${a.id}: ${a.title}${a.displayValue ? ` — ${a.displayValue}` : ''}${items}`);
    }
  }
  return failed;
}

let chrome;
let browser;
try {
  chrome = await chromeLauncher.launch({ chromePath, chromeFlags: CHROME_FLAGS, logLevel: 'error' });
  browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
  const page = await browser.newPage();

  const results = [];
  results.push(
    await audit(page, 'login', base + '/', async (p) => {
      if (!(await p.$('[data-testid=login-submit]'))) throw new Error('the login page did not show the login form');
    }),
  );
  await signIn(page, values.user);
  results.push(
    await audit(page, 'report form', base + '/report', async (p) => {
      if (!(await p.$('[data-testid^=report-category-]'))) throw new Error('the report page did not show the form (signed out?)');
    }),
  );
  // The staff member in a browser context of their own (their own storage, their own sign-in).
  const staffPage = await (await browser.createBrowserContext()).newPage();
  await signIn(staffPage, values.staff);
  results.push(
    await audit(staffPage, 'staff queue', base + '/queue', async (p) => {
      if (!(await p.$('[data-testid=case-list], [data-testid=queue-empty]'))) throw new Error('the queue page did not show the queue');
    }),
  );
  process.exitCode = report(results) ? 1 : 0;
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
} finally {
  await browser?.disconnect().catch(() => undefined);
  await chrome?.kill();
}
