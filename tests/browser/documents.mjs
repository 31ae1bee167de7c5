// A document attached on the milestone page and verified from the queue, in headless Chromium
// with JavaScript off: the focal point attaches a PDF (the form says what it takes before a
// file is chosen) and reports the achievement; a second programme manager opens the PDF from
// the verification queue (a download, never a page) and verifies. Prints a JSON report.
// Usage: BASE=… MILESTONE=/milestones/<id> FP_EMAIL=… PM2_EMAIL=… PASSWORD=… PDF=<file> node documents.mjs
import fs from 'node:fs';
import { launch } from './chromium.mjs';

const { BASE, MILESTONE, FP_EMAIL, PM2_EMAIL, PASSWORD, PDF, SCREENSHOTS } = process.env;
const failures = [];
const check = (ok, message) => { if (!ok) failures.push(message); };

const browser = await launch();

async function signedIn(email) {
  const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  check(new URL(page.url()).pathname !== '/login', `${email} did not sign in: ${page.url()}`);
  return page;
}

let downloaded = null;
try {
  // The focal point attaches the decree.
  const fp = await signedIn(FP_EMAIL);
  await fp.goto(`${BASE}${MILESTONE}`);
  const form = `form[action="${MILESTONE}/evidence/files"]`;
  const hint = await fp.textContent(`${form} .hint`);
  check(/PDF/.test(hint) && /MB/.test(hint), `the form does not say what it takes: ${hint}`);
  await fp.fill(`${form} input[name="title"]`, 'Signed decree');
  await fp.setInputFiles(`${form} input[type="file"]`, PDF);
  await Promise.all([fp.waitForNavigation(), fp.click(`${form} button[type="submit"]`)]);
  if (await fp.locator('ul.evidence').count() === 0) {
    throw new Error(`no evidence listed after the upload, at ${fp.url()}: ${await fp.textContent('main')}`);
  }
  const listed = await fp.textContent('ul.evidence');
  check(/Signed decree/.test(listed) && /\(PDF, /.test(listed), `the document is not listed with its size: ${listed}`);
  if (SCREENSHOTS) await fp.screenshot({ path: `${SCREENSHOTS}/document-attached.png`, fullPage: true });
  // Reported achieved with the document alone as its evidence.
  await Promise.all([fp.waitForNavigation(), fp.click(`form[action="${MILESTONE}/achieve"] button[type="submit"]`)]);
  check(await fp.locator('[role="status"]').count() === 1, 'the achievement was not confirmed');
  check(await fp.locator(`form[action="${MILESTONE}/achieve"]`).count() === 0, 'the achievement is still offered');
  await fp.context().close();

  // A second programme manager opens it from the queue, then verifies there.
  const pm = await signedIn(PM2_EMAIL);
  await pm.goto(`${BASE}/review`);
  const id = MILESTONE.replace('/milestones/', '');
  const item = `#m-${id}`;
  check(await pm.locator(item).count() === 1, 'the achievement is not in the queue');
  const [download] = await Promise.all([
    pm.waitForEvent('download'),
    pm.click(`${item} ul.evidence a[href^="/evidence/"]`),
  ]);
  downloaded = download.suggestedFilename();
  const saved = await download.path();
  check(fs.readFileSync(saved).equals(fs.readFileSync(PDF)), 'the downloaded bytes are not the attached ones');
  check(new URL(pm.url()).pathname === '/review', `opening the document left the queue: ${pm.url()}`);
  await Promise.all([pm.waitForNavigation(), pm.click(`${item} form[action="${MILESTONE}/verify"] button`)]);
  check(new URL(pm.url()).pathname === '/review', 'verifying did not return to the queue');
  check(await pm.locator(item).count() === 0, 'the verified achievement is still in the queue');
} finally {
  await browser.close();
}
console.log(JSON.stringify({ downloaded, failures }));
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
