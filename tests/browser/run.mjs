// Drives the tracker's pages in headless Chromium with JavaScript off, over the demo data: a
// focal point lands on their task list, starts a milestone from its page, reports progress with
// the keyboard alone and reports it achieved; a second person verifies it from the queue; the
// dashboard and the country page show it. Then axe-core checks every page in three languages
// and the weight of each page, as transferred, is printed.
// Usage: BASE=http://127.0.0.1:PORT FP_EMAIL=… PM_EMAIL=… PASSWORD=… MILESTONE=… COMMITMENT=… node run.mjs
import fs from 'node:fs';
import { chromium } from 'playwright-core';

const { BASE, FP_EMAIL, PM_EMAIL, PASSWORD, MILESTONE, COMMITMENT, SCREENSHOTS } = process.env;
const axeSource = fs.readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const failures = [];
const check = (ok, message) => { if (!ok) failures.push(message); };
const milestonePage = `/milestones/${MILESTONE}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const main = () => page.textContent('main');

  async function signIn(email, landing) {
    await page.goto(`${BASE}/login`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const at = new URL(page.url()).pathname;
    check(at === landing, `signing in as ${email} reached ${at}, not ${landing}`);
  }
  async function signOut() {
    await page.goto(`${BASE}/account`);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
  }
  const form = (action) => `form[action="${milestonePage}/${action}"]`;
  // Submit a form of the milestone page with the mouse; the page then confirms it.
  async function submit(action, fields = {}) {
    await page.goto(`${BASE}${milestonePage}`);
    for (const [name, value] of Object.entries(fields)) {
      await page.fill(`${form(action)} [name="${name}"]`, value);
    }
    await Promise.all([page.waitForNavigation(), page.click(`${form(action)} button`)]);
    check(!(await page.content()).includes('class="error-summary"'), `${action} showed an error`);
    check((await page.locator('[role=status]').count()) === 1, `${action} was not confirmed`);
  }
  // Press Tab until the focused element matches `selector` (at most 1000 times).
  async function tabTo(selector) {
    for (let i = 0; i < 1000; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return true;
    }
    failures.push(`Tab never reached ${selector}`);
    return false;
  }

  // A focal point: from the task list to the milestone, then its steps.
  await signIn(FP_EMAIL, '/work');
  check((await main()).includes('Overdue'), 'the task list has no overdue section');
  await submit('start');
  // Reporting progress with the keyboard alone: Tab to each field, type, Enter on the button.
  await page.goto(`${BASE}${milestonePage}`);
  if (await tabTo(`${form('progress')} [name="percent"]`)) {
    await page.keyboard.type('70');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Second reading passed');
    await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.activeElement.tagName === 'BUTTON'), 'Tab from the note does not reach the button');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    check((await main()).includes('70 %'), 'the progress reported with the keyboard is not shown');
  }
  await submit('achieve', { evidence_title: 'Gazette notice', evidence_url: 'https://example.org/gazette' });
  const shown = await main();
  for (const text of ['Gazette notice', 'reported achieved', 'Second reading passed']) {
    check(shown.includes(text), `the milestone page does not show "${text}"`);
  }
  check((await page.locator(form('verify')).count()) === 0, 'a focal point is offered verification');
  await signOut();

  // A programme manager verifies it from the queue, with the keyboard.
  await signIn(PM_EMAIL, '/');
  await page.goto(`${BASE}/review`);
  check((await main()).includes('Gazette notice'), 'the queue does not show the evidence');
  if (await tabTo(`${form('verify')} button`)) {
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    check(new URL(page.url()).pathname === '/review', 'verifying from the queue did not return to it');
    check((await page.locator(form('verify')).count()) === 0, 'the verified milestone is still in the queue');
  }
  await page.goto(`${BASE}${milestonePage}`);
  check((await main()).includes('verified'), 'the milestone page does not show the verification');
  if (SCREENSHOTS) {
    await page.screenshot({ path: `${SCREENSHOTS}/milestone.png`, fullPage: true });
    await page.goto(`${BASE}/countries/KEN`);
    await page.screenshot({ path: `${SCREENSHOTS}/country.png`, fullPage: true });
    await page.goto(`${BASE}/`);
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard.png`, fullPage: true });
  }

  // Keyboard: the first Tab reaches the skip link.
  await page.goto(`${BASE}/`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
  check(focused === 'Skip to content', `the first Tab focuses "${focused}"`);

  // axe-core on every page in three languages (its script is injected past the pages' CSP),
  // and the weight of each page as transferred (gzip).
  const audit = await browser.newContext({ bypassCSP: true });
  await audit.addCookies(await context.cookies());
  const auditPage = await audit.newPage();
  const signedIn = ['/', '/countries/KEN', milestonePage, `/commitments/${COMMITMENT}`, '/review', '/work',
    '/account', '/digests'];
  const open = ['/login', '/subscribe', '/api/docs', '/subscriptions/confirm?token=x',
    '/subscriptions/manage?token=x', '/unsubscribe?token=x'];
  const weights = {};
  for (const lang of ['en', 'fr', 'es']) {
    for (const path of [...signedIn, ...open]) {
      const url = `${BASE}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
      const response = await auditPage.goto(url);
      if (!path.includes('token=')) check(response.status() === 200, `${path} (${lang}) answered ${response.status()}`);
      const sizes = await response.request().sizes();
      const weight = sizes.responseBodySize + sizes.responseHeadersSize;
      if (lang === 'en') weights[path] = weight;
      check(weight <= 60 * 1024, `${path} (${lang}) weighs ${weight} bytes`);
      await auditPage.evaluate(axeSource);
      const result = await auditPage.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
      for (const v of result.violations) {
        failures.push(`${path} (${lang}): ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      }
    }
  }
  console.log(JSON.stringify({ weights, failures }, null, 1));
} finally {
  await browser.close();
}
process.exit(failures.length === 0 ? 0 : 1);
