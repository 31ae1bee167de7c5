// Signs in through the organisation's identity provider in headless Chromium with JavaScript
// off: the tracker's sign-in page, its button, the provider's login form (tests/oidc), and back
// to the tracker's dashboard as the linked account. Prints a JSON report on stdout.
// Usage: BASE=http://127.0.0.1:PORT SUB=… NAME=… node oidc.mjs
import { launch } from './chromium.mjs';

const { BASE, SUB, NAME, SCREENSHOTS } = process.env;
const failures = [];
const check = (ok, message) => { if (!ok) failures.push(message); };

const browser = await launch();
let landed = null;
try {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  // The organisation's button comes first; the keyboard reaches it.
  await page.click('#organisation-sign-in');
  await page.waitForSelector('input[name="login"]');
  check(!page.url().startsWith(BASE), `the button did not lead to the provider: ${page.url()}`);
  await page.fill('input[name="login"]', SUB);
  await Promise.all([page.waitForURL((u) => u.toString().startsWith(BASE)), page.click('button[type="submit"]')]);
  await page.waitForLoadState();
  landed = page.url();
  check(landed === `${BASE}/`, `landed on ${landed}, not the dashboard`);
  const header = await page.textContent('header');
  check(header.includes(NAME), `the header does not name the signed-in account ${NAME}: ${header}`);
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/oidc-dashboard.png`, fullPage: false });
  // The account page lists the session as the organisation's.
  await page.goto(`${BASE}/account`);
  const sessions = await page.textContent('#sessions + table, #sessions ~ table');
  check(/Organisation/.test(sessions || ''), `the account page does not list the organisation's session: ${sessions}`);
} finally {
  await browser.close();
}
console.log(JSON.stringify({ landed, failures }));
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
