// Drives the tracker's pages in headless Chromium with JavaScript off, over the demo data, the
// journeys end to end: a programme manager opens an engagement, records an activity, creates a
// commitment and a milestone; an admin creates a focal point's account, whose one-time password
// then signs in; the focal point starts the milestone, reports progress with the keyboard alone
// and reports it achieved with evidence, then does the same in Arabic and in Chinese on two more
// milestones; a second programme manager verifies it from the queue
// with the keyboard; then builds an action plan from the framework and follows a figure of the
// dashboard to the commitments behind it; the admin uploads an edited spreadsheet of Kenya's plan
// and confirms its preview; a focal point, signed out, uses a reminder's action link once. Each step checks what the page shows afterwards. Then axe-core checks
// every page in the six languages and the weight of each page, as transferred, is printed.
// Usage: BASE=http://127.0.0.1:PORT ADMIN_EMAIL=… PM_EMAIL=… PM2_EMAIL=… PASSWORD=… node run.mjs
import fs from 'node:fs';
import { launch } from './chromium.mjs';

const { BASE, ADMIN_EMAIL, PM_EMAIL, PM2_EMAIL, PASSWORD, SCREENSHOTS, PROGRESS_LINK, EVIDENCE_LINK } = process.env;
const NEW_FP = 'wanjiru@focal.example.org';
// The six official UN languages, and Arabic with Arabic-Indic digits (as Egypt's browsers ask).
const LANGUAGES = ['ar', 'zh', 'en', 'fr', 'ru', 'es', 'ar-EG'];
const axeSource = fs.readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const failures = [];
// RFC 4180 CSV, as the tracker writes it: rows of fields, quotes doubled inside quoted fields.
function parseCsv(text) {
  const rows = [[]];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { rows[rows.length - 1].push(field); field = ''; }
    else if (c === '\n') { rows[rows.length - 1].push(field); field = ''; rows.push([]); }
    else if (c !== '\r') field += c;
  }
  if (field !== '' || rows[rows.length - 1].length > 0) rows[rows.length - 1].push(field);
  return rows.filter((r) => r.length > 1);
}
const toCsv = (rows) => rows.map((r) => r.map((f) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')).join('\n');
const check = (ok, message) => { if (!ok) failures.push(message); };
// Arabic reads right to left: the header starts on the right (the tracker's name first, on the
// right; the navigation after it ends on the left, its first link right of the middle).
async function headerStartsOnTheRight(page, what) {
  const [brand, nav, first, width] = await page.evaluate(() => [
    ...['header > a', 'header nav', 'header nav a'].map((s) => {
      const r = document.querySelector(s).getBoundingClientRect();
      return { left: r.left, right: r.right };
    }),
    window.innerWidth,
  ]);
  check(brand.left > width / 2 && nav.left < width / 2 && first.left > width / 2,
    `the Arabic header of ${what} does not start on the right: ${JSON.stringify({ brand, nav, first, width })}`);
}

const browser = await launch();
try {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const main = () => page.textContent('main');
  const path = () => new URL(page.url()).pathname;
  const confirmed = async (step) => {
    check(!(await page.content()).includes('class="error-summary"'), `${step} showed an error`);
    check((await page.locator('[role=status]').count()) === 1, `${step} was not confirmed`);
  };
  const click = async (selector) => {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  };

  async function signIn(email, landing, password = PASSWORD) {
    await page.goto(`${BASE}/login`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await click('button[type=submit]');
    check(path() === landing, `signing in as ${email} reached ${path()}, not ${landing}`);
  }
  async function signOut() {
    await page.goto(`${BASE}/account`);
    await click('form[action="/logout"] button');
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

  // A programme manager opens an engagement with the first country not yet engaged.
  await signIn(PM_EMAIL, '/');
  await click('a[href="/engagements/new"]');
  const country = await page.getAttribute('#engagements-country option', 'value');
  await page.selectOption('#engagements-country', country);
  await page.fill('#engagements-lead', 'Ministry of Digital Affairs');
  await click('#do-engagements button');
  check(path() === `/countries/${country}`, `opening an engagement led to ${path()}`);
  await confirmed('opening an engagement');
  // An activity, from its folded form.
  await page.click('summary:has-text("Record an activity")');
  await page.selectOption('#activities-kind', 'workshop');
  await page.fill('#activities-title', 'Safeguards assessment workshop');
  await page.check('#activities-authorities-1');
  await click('#do-activities button');
  await confirmed('recording an activity');
  check((await main()).includes('Safeguards assessment workshop'), 'the activity is not shown');
  // A commitment, with pickers fed by the catalogue.
  await page.click('summary:has-text("New commitment")');
  await page.fill('#commitments-title', 'Adopt a data protection law');
  await page.check('#commitments-principles-1');
  await page.fill('#commitments-process_refs', 'F1.1');
  await page.fill('#commitments-due_on', '2027-06-30');
  await click('#do-commitments button');
  await confirmed('creating a commitment');
  await click('a:has-text("Adopt a data protection law")');
  const commitmentPage = path();
  check(commitmentPage.startsWith('/commitments/'), `the commitment link led to ${commitmentPage}`);
  // A milestone of it.
  await page.fill('#milestones-title', 'Bill tabled in parliament');
  await page.fill('#milestones-due_on', '2027-01-31');
  await click('#do-milestones button');
  await confirmed('adding a milestone');
  // Two more, which the focal point works in Arabic and in Chinese.
  const more = {};
  for (const [lang, title] of [['ar', 'Regulations drafted'], ['zh', 'Registry opened']]) {
    await page.fill('#milestones-title', title);
    await page.fill('#milestones-due_on', '2027-02-28');
    await click('#do-milestones button');
    await confirmed(`adding the milestone "${title}"`);
    more[lang] = await page.getAttribute(`a:has-text("${title}")`, 'href');
  }
  await click('a:has-text("Bill tabled in parliament")');
  const milestonePage = path();
  check(milestonePage.startsWith('/milestones/'), `the milestone link led to ${milestonePage}`);
  check((await main()).includes('planned'), 'the new milestone is not planned');
  await signOut();

  // An admin creates the country's focal point; the password is shown once.
  await signIn(ADMIN_EMAIL, '/');
  await page.goto(`${BASE}/admin/accounts`);
  await page.fill('#create-email', NEW_FP);
  await page.fill('#create-name', 'Wanjiru Focal');
  await page.selectOption('#create-role', 'focal_point');
  await page.fill('#create-countries', country);
  await click('#do-create button');
  const oneTime = (await page.textContent('code.secret')).trim();
  check(oneTime.length >= 10, 'no one-time password is shown');
  await signOut();

  // The focal point signs in with it, is asked to choose their own password first, then goes
  // to their task list and works the milestone.
  await signIn(NEW_FP, '/account', oneTime);
  await page.fill('#current_password', oneTime);
  await page.fill('#new_password', 'wanjiru own password');
  await click('form[action="/account/password"] button');
  await confirmed('changing the one-time password');
  await page.goto(`${BASE}/work`);
  check(path() === '/work', `the task list led to ${path()}`);
  check((await main()).includes('Overdue'), 'the task list has no overdue section');
  const form = (action) => `form[action="${milestonePage}/${action}"]`;
  await page.goto(`${BASE}${milestonePage}`);
  await click(`${form('start')} button`);
  await confirmed('starting');
  // Reporting progress with the keyboard alone: Tab to each field, type, Enter on the button.
  if (await tabTo(`${form('progress')} [name="percent"]`)) {
    await page.keyboard.type('70');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Second reading passed');
    await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.activeElement.tagName === 'BUTTON'), 'Tab from the note does not reach the button');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await confirmed('reporting progress');
    check((await main()).includes('70%'), 'the progress reported with the keyboard is not shown');
  }
  await page.fill(`${form('achieve')} [name="evidence_title"]`, 'Gazette notice');
  await page.fill(`${form('achieve')} [name="evidence_url"]`, 'https://example.org/gazette');
  await click(`${form('achieve')} button`);
  await confirmed('reporting the achievement');
  const shown = await main();
  for (const text of ['Gazette notice', 'reported achieved', 'Second reading passed', 'Wanjiru Focal']) {
    check(shown.includes(text), `the milestone page does not show "${text}"`);
  }
  check((await page.locator(form('verify')).count()) === 0, 'a focal point is offered verification');

  // The same journey in Arabic, then in Chinese: the focal point chooses the language on the
  // account page (kept with the account, no `?lang=`), starts a milestone, reports progress in
  // the language and reports it achieved with evidence titled in it. Each page says its
  // language and direction; in Arabic the header starts on the right; the page's own words are
  // in the language's script and the text the focal point typed reads in its own direction.
  const journeys = {
    ar: { note: 'أُقِرّت القراءة الثانية في البرلمان', evidence: 'الجريدة الرسمية، العدد ٤٢', script: /[\u0600-\u06FF]/ },
    zh: { note: '议会二读通过', evidence: '政府公报第42号', script: /[\u4E00-\u9FFF]/ },
  };
  for (const [lang, { note, evidence, script }] of Object.entries(journeys)) {
    await page.goto(`${BASE}/account`);
    await page.selectOption('#language', lang);
    await click('form[action="/account/language"] button');
    check(await page.evaluate(() => document.documentElement.lang) === lang, `choosing ${lang} on the account page did not change its language`);
    const at = more[lang];
    const step = (action) => `form[action="${at}/${action}"]`;
    const inLanguage = async (what) => {
      const [htmlLang, dir] = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
      check(htmlLang === lang && dir === (lang === 'ar' ? 'rtl' : 'ltr'), `${what} (${lang}) says lang=${htmlLang} dir=${dir}`);
      const status = (await page.textContent('[role=status]')) || '';
      check(script.test(status) && !/[A-Za-z]{3}/.test(status), `${what} (${lang}) is confirmed as "${status}"`);
    };
    await page.goto(`${BASE}${at}`);
    if (lang === 'ar') await headerStartsOnTheRight(page, `the milestone page (${lang})`);
    await click(`${step('start')} button`);
    await confirmed(`starting (${lang})`);
    await inLanguage('starting');
    await page.fill(`${step('progress')} [name="percent"]`, '60');
    await page.fill(`${step('progress')} [name="note"]`, note);
    await click(`${step('progress')} button`);
    await confirmed(`reporting progress (${lang})`);
    await inLanguage('reporting progress');
    await page.fill(`${step('achieve')} [name="evidence_title"]`, evidence);
    await page.fill(`${step('achieve')} [name="evidence_url"]`, `https://example.org/${lang}/gazette`);
    await click(`${step('achieve')} button`);
    await confirmed(`reporting the achievement (${lang})`);
    await inLanguage('reporting the achievement');
    if (lang === 'ar') await headerStartsOnTheRight(page, `the milestone page after the achievement (${lang})`);
    const shown = await main();
    check(shown.includes(note) && shown.includes(evidence), `the milestone page (${lang}) does not show the note and the evidence`);
    check(!shown.includes('reported achieved') && !shown.includes('Evidence'), `the milestone page (${lang}) shows English`);
    for (const text of [note, evidence]) {
      check(await page.locator(`[dir=auto]:text-is("${text}")`).count() >= 1, `"${text}" is not marked dir=auto (${lang})`);
    }
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/milestone-${lang}.png`, fullPage: true });
  }
  await page.goto(`${BASE}/account`);
  await page.selectOption('#language', 'en');
  await click('form[action="/account/language"] button');
  await signOut();

  // A second programme manager verifies it from the queue with the keyboard alone: signs in,
  // follows the menu to the queue, picks the country, verifies.
  await page.goto(`${BASE}/login`);
  if (await tabTo('#email')) {
    await page.keyboard.type(PM2_EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    check(path() === '/', `signing in with the keyboard reached ${path()}`);
  }
  if (await tabTo('nav a[href="/review"]')) {
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }
  if (await tabTo('#review-country')) {
    // Typing a name picks it in a closed drop-down list.
    await page.keyboard.type(await page.textContent(`#review-country option[value="${country}"]`));
    check(await page.inputValue('#review-country') === country, 'typing the country\'s name did not pick it');
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }
  check((await main()).includes('Gazette notice'), 'the queue does not show the evidence');
  if (await tabTo(`${form('verify')} button`)) {
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    check(path() === '/review', 'verifying from the queue did not return to it');
    await confirmed('verifying');
    check((await page.locator(form('verify')).count()) === 0, 'the verified milestone is still in the queue');
  }
  // The achievements reported in Arabic and in Chinese, verified from their pages.
  for (const at of Object.values(more)) {
    await page.goto(`${BASE}${at}`);
    await click(`form[action="${at}/verify"] button`);
    await confirmed(`verifying ${at}`);
  }
  await page.goto(`${BASE}${milestonePage}`);
  check((await main()).includes('verified'), 'the milestone page does not show the verification');
  await page.goto(`${BASE}/countries/${country}`);
  check((await main()).includes('fulfilled'), 'the country page does not show the commitment fulfilled');
  if (SCREENSHOTS) {
    for (const [name, at] of [['milestone', milestonePage], ['country', `/countries/${country}`], ['dashboard', '/'], ['review', '/review'],
      ['dashboard-ar', '/?lang=ar'], ['country-ar', `/countries/${country}?lang=ar`], ['dashboard-zh', '/?lang=zh']]) {
      await page.goto(`${BASE}${at}`);
      await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
    }
    // `?lang=` is remembered: back to English for the rest of the journey.
    await page.goto(`${BASE}/?lang=en`);
  }

  // Keyboard: the first Tab reaches the skip link.
  await page.goto(`${BASE}/`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
  check(focused === 'Skip to content', `the first Tab focuses "${focused}"`);

  // The programme manager builds an action plan from the framework for the new country: the
  // coverage page shows its gaps; the plan page drafts the processes the donor carries at the
  // strategy stage; two are picked, one retitled, and saved as commitments.
  await page.goto(`${BASE}/countries/${country}`);
  await click(`a[href="/countries/${country}/coverage"]`);
  check((await main()).includes('(gap)'), 'the coverage page shows no gap');
  await page.goto(`${BASE}/countries/${country}`);
  await click(`a[href="/countries/${country}/plan"]`);
  await page.selectOption('#choose-authority', 'R3');
  await page.selectOption('#choose-stage', 'L2');
  await click('form[method=get] button[type=submit]');
  check(await page.locator('#pick-F7\\.2').count() === 1, 'the R3 × L2 plan does not draft F7.2');
  await page.check('#pick-F7\\.2');
  await page.fill('#title-F7\\.2', 'Consult communities on the ID law');
  await page.check('#pick-O8\\.4');
  await click('form[method=post] button[type=submit]');
  await confirmed('saving the plan');
  check((await main()).includes('2 commitments created from the plan'), 'the plan was not saved');
  await page.goto(`${BASE}/countries/${country}`);
  check((await main()).includes('Consult communities on the ID law'), 'the plan\'s commitment is not on the country page');
  // The dashboard's commitments figure for the country explains itself.
  await page.goto(`${BASE}/`);
  const figure = await page.textContent(`a[href="/explain?country=${country}"] >> nth=0`);
  await click(`a[href="/explain?country=${country}"] >> nth=0`);
  const listed = await page.locator('li.commitment').count();
  check(figure.trim().split(/\s/)[0] === String(listed), `the figure ${figure} explained by ${listed} commitments`);

  // axe-core on every page in the six languages, as the admin (its script is injected past the
  // pages' CSP), and the weight of each page as transferred (gzip).
  await signOut();
  await signIn(ADMIN_EMAIL, '/');
  // The admin publishes Kenya's record from its page; a visitor without a session reads it on
  // the public pages, stamped with its dataset version, and downloads the dataset.
  await page.goto(`${BASE}/countries/KEN`);
  await page.click('summary:has-text("Publish the record")');
  await click('#do-publication button');
  await confirmed('publishing the record');
  const visitor = await browser.newContext({ javaScriptEnabled: false });
  const reader = await visitor.newPage();
  await reader.goto(`${BASE}/public`);
  await Promise.all([reader.waitForNavigation(), reader.click('a[href="/public/countries/KEN"]')]);
  const record = await reader.textContent('main');
  check(record.includes('Kenya') && /dataset version \d+/.test(record), 'the public record of Kenya is not shown with its version');
  check(!record.includes('@'), 'the public record shows an e-mail address');
  const zip = await visitor.request.get(`${BASE}/data/latest.zip`);
  check(zip.status() === 200 && zip.headers()['content-type'] === 'application/zip', 'the dataset does not download');
  // A focal point follows a reminder's action link, signed out: one form, sent once.
  await reader.goto(`${BASE}${PROGRESS_LINK}`);
  check((await reader.locator('main form').count()) === 1, 'the action link page has not exactly one form');
  await reader.fill('#progress-percent', '55');
  await Promise.all([reader.waitForNavigation(), reader.click('main form button[type=submit]')]);
  check((await reader.textContent('main')).includes('Recorded'), 'the action link did not record');
  await reader.goto(`${BASE}${PROGRESS_LINK}`);
  check((await reader.textContent('main')).includes('used already'), 'a used action link does not say so');
  await visitor.close();
  // The admin works offline: downloads Kenya's plan as CSV, moves one milestone to 77 %, uploads
  // the file, reads the preview of exactly that change, and confirms it.
  await page.goto(`${BASE}/countries/KEN`);
  await click('a[href="/countries/KEN/upload"]');
  const sheet = parseCsv(await (await context.request.get(`${BASE}/countries/KEN/sheet.csv`)).text());
  const target = sheet.findIndex((r) => r[0] === 'milestone' && r[5] === 'in progress' && r[6] !== '77');
  check(target > 0, 'no milestone in progress in the spreadsheet of Kenya');
  sheet[target][6] = '77';
  await page.setInputFiles('#file', { name: 'KEN-plan.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(sheet)) });
  await click('#upload button[type=submit]');
  const preview = await main();
  check((await page.locator('main tbody tr').count()) === 1 && preview.includes('77%'), 'the preview does not show exactly the one change');
  await click('#confirm button[type=submit]');
  check((await page.textContent('[role=status]')).includes('1 recorded'), 'the upload was not recorded');
  const audit = await browser.newContext({ bypassCSP: true });
  await audit.addCookies(await context.cookies());
  const auditPage = await audit.newPage();
  const signedIn = ['/', '/countries/KEN', `/countries/${country}`, milestonePage, commitmentPage, '/review',
    '/work', '/account', '/engagements/new', '/admin/accounts', '/admin/subscribers', '/admin/digests', '/digests',
    `/countries/${country}/plan?authority=R3&stage=L2&due_on=2028-01-01`, '/countries/KEN/coverage', '/countries/KEN/upload',
    '/explain?country=KEN&principle=O3', '/explain?country=KEN&overdue=1'];
  const open = ['/public', '/public/countries/KEN', '/public/ledger', '/login', '/subscribe', '/api/docs', '/catalogue', '/subscriptions/confirm?token=x',
    '/subscriptions/manage?token=x', '/unsubscribe?token=x', EVIDENCE_LINK, PROGRESS_LINK];
  const weights = {};
  for (const lang of LANGUAGES) {
    for (const at of [...signedIn, ...open]) {
      const url = `${BASE}${at}${at.includes('?') ? '&' : '?'}lang=${lang}`;
      const response = await auditPage.goto(url);
      if (!at.includes('token=') && at !== PROGRESS_LINK) check(response.status() === 200, `${at} (${lang}) answered ${response.status()}`);
      const sizes = await response.request().sizes();
      const weight = sizes.responseBodySize + sizes.responseHeadersSize;
      const name = at === EVIDENCE_LINK ? '/act/(evidence link)' : at === PROGRESS_LINK ? '/act/(used link)' : at;
      weights[lang] = weights[lang] || {};
      weights[lang][name] = weight;
      if (at === EVIDENCE_LINK) check(sizes.responseBodySize <= 15 * 1024, `the action link page weighs ${sizes.responseBodySize} bytes`);
      check(weight <= 60 * 1024, `${at} (${lang}) weighs ${weight} bytes`);
      // Arabic reads right to left: the page says so, and the header starts on the right (the
      // tracker's name first, on the right; the navigation after it ends on the left).
      const dir = await auditPage.evaluate(() => document.documentElement.dir);
      check(dir === (lang.startsWith('ar') ? 'rtl' : 'ltr'), `${at} (${lang}) has dir=${dir}`);
      if (lang === 'ar' && at === '/') await headerStartsOnTheRight(auditPage, 'the dashboard');
      await auditPage.evaluate(axeSource);
      const result = await auditPage.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
      for (const v of result.violations) {
        failures.push(`${at} (${lang}): ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      }
    }
  }
  // The upload's preview (with an error, then with a change) and its result, through axe too.
  const axeHere = async (what) => {
    await auditPage.evaluate(axeSource);
    const result = await auditPage.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
    for (const v of result.violations) failures.push(`${what}: ${v.id} (${v.impact}) ${v.help}`);
  };
  const uploadAs = async (rows, lang) => {
    await auditPage.goto(`${BASE}/countries/KEN/upload?lang=${lang}`);
    await auditPage.setInputFiles('#file', { name: 'KEN-plan.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(rows)) });
    await Promise.all([auditPage.waitForNavigation(), auditPage.click('#upload button[type=submit]')]);
  };
  // A fresh download: the row's version moved with the change confirmed above.
  const fresh = parseCsv(await (await audit.request.get(`${BASE}/countries/KEN/sheet.csv`)).text());
  const row = fresh.find((r) => r[1] === sheet[target][1]);
  for (const lang of LANGUAGES) {
    const wrong = fresh.map((r) => (r === row ? [...r.slice(0, 6), 'lots', ...r.slice(7)] : r));
    await uploadAs(wrong, lang);
    check((await auditPage.locator('.error-summary li').count()) === 1, `the preview (${lang}) does not name the one wrong cell`);
    await axeHere(`upload preview with an error (${lang})`);
  }
  row[6] = '78';
  await uploadAs(fresh, 'en');
  await axeHere('upload preview');
  await Promise.all([auditPage.waitForNavigation(), auditPage.click('#confirm button[type=submit]')]);
  await axeHere('upload result');
  console.log(JSON.stringify({ weights, failures, milestone: milestonePage, journeys: more }, null, 1));
} finally {
  await browser.close();
}
process.exit(failures.length === 0 ? 0 : 1);
