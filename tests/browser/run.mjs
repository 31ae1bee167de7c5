// Drives the tracker's pages in headless Chromium: a focal point reports progress and an
// achievement through the forms, a programme manager verifies it, the dashboard and the
// country page show it; then axe-core checks every page and the page weight is measured.
// Usage: BASE=http://127.0.0.1:PORT FP_EMAIL=… PM_EMAIL=… PASSWORD=… MILESTONE=… node run.mjs
import fs from 'node:fs';
import { chromium } from 'playwright-core';

const { BASE, FP_EMAIL, PM_EMAIL, PASSWORD, MILESTONE, SCREENSHOTS } = process.env;
const axeSource = fs.readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const failures = [];
const check = (ok, message) => { if (!ok) failures.push(message); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();

  async function signIn(email) {
    await page.goto(`${BASE}/login`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    check(new URL(page.url()).pathname === '/', `signing in as ${email} did not reach the dashboard`);
  }
  const form = (action) => `form[action="/milestones/${MILESTONE}/${action}"]`;
  async function submit(action, fields = {}) {
    await page.goto(`${BASE}/countries/KEN`);
    for (const [name, value] of Object.entries(fields)) {
      await page.fill(`${form(action)} input[name="${name}"]`, value);
    }
    await Promise.all([page.waitForNavigation(), page.click(`${form(action)} button`)]);
    check(!(await page.content()).includes('role="alert"'), `${action} showed an error`);
  }

  await signIn(FP_EMAIL);
  await submit('start');
  await submit('progress', { percent: '70', note: 'Second reading passed' });
  await submit('achieve', { evidence_title: 'Gazette notice', evidence_url: 'https://example.org/gazette' });
  check((await page.locator(form('verify')).count()) === 0, 'a focal point is offered verification');
  await page.goto(`${BASE}/account`);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);

  await signIn(PM_EMAIL);
  await submit('verify');
  await page.goto(`${BASE}/`);
  const dashboard = await page.textContent('main');
  check(dashboard.includes('100.0 %'), 'the dashboard does not show the verified milestone');
  await page.goto(`${BASE}/countries/KEN`);
  const country = await page.textContent('main');
  check(country.includes('verified'), 'the country page does not show the verified milestone');
  if (SCREENSHOTS) {
    await page.screenshot({ path: `${SCREENSHOTS}/country.png`, fullPage: true });
    await page.goto(`${BASE}/`);
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard.png`, fullPage: true });
  }

  // Keyboard: the first Tab reaches the skip link.
  await page.goto(`${BASE}/`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
  check(focused === 'Skip to content', `the first Tab focuses "${focused}"`);

  // axe-core on every page (its script is injected past the pages' CSP), and page weight.
  const audit = await browser.newContext({ bypassCSP: true });
  const cookies = await context.cookies();
  await audit.addCookies(cookies);
  const auditPage = await audit.newPage();
  const pages = ['/', '/countries/KEN', '/account', '/login', '/subscribe', '/api/docs',
    '/subscriptions/confirm?token=x', '/subscriptions/manage?token=x', '/unsubscribe?token=x', '/?lang=fr', '/?lang=es'];
  const weights = {};
  for (const path of pages) {
    const response = await auditPage.goto(`${BASE}${path}`);
    const sizes = await response.request().sizes();
    const css = 0;
    weights[path] = sizes.responseBodySize + sizes.responseHeadersSize + css;
    check(weights[path] <= 60 * 1024, `${path} weighs ${weights[path]} bytes`);
    await auditPage.evaluate(axeSource);
    const result = await auditPage.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
    for (const v of result.violations) {
      failures.push(`${path}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }
  }
  console.log(JSON.stringify({ weights, failures }, null, 1));
} finally {
  await browser.close();
}
process.exit(failures.length === 0 ? 0 : 1);
