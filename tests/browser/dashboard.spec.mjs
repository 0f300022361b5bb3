// Browser test of the approval dashboard (ctest `browser.dashboard`, label browser).
//
// Starts the fixture server (AUTOTRIAGE_BROWSER_FIXTURE: a seeded SQLite store, three users and
// the dashboard on 127.0.0.1:0; it prints its URL and serves until its stdin closes), then drives
// Debian's chromium headless through playwright-core in one fresh profile and walks what people
// do: log in, approve, reject with a reason, edit then approve, change a matrix cell as admin,
// and checks that a viewer cannot decide (no form; a forced POST gets 403) and that a ticket
// subject holding <script> is shown as text. A screenshot of every step goes to
// AUTOTRIAGE_BROWSER_ARTIFACTS. Stops at the first failed step (exit 1).
// Run through tests/browser/run, which skips or fails when chromium or node_modules is missing.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium } from 'playwright-core';

const fixturePath = mustEnv('AUTOTRIAGE_BROWSER_FIXTURE');
const artifacts = mustEnv('AUTOTRIAGE_BROWSER_ARTIFACTS');
const chromiumPath = process.env.AUTOTRIAGE_CHROMIUM || '/usr/bin/chromium';
const SCRIPT = '<script>alert(1)</script>';

// What the fixture seeds (tests/browser/fixture_seed.cc).
const T = {
  approve: { id: '1001', version: '1731000001' },
  reject: { id: '1002', version: '1731000002' },
  edit: { id: '1003', version: '1731000003' },
  script: { id: '1004', version: '1731000004' },
  viewer: { id: '1005', version: '1731000005' },
};

function mustEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`dashboard.spec: ${name} is not set (run it through ctest -L browser)`);
    process.exit(2);
  }
  return value;
}

function fail(message) {
  throw new Error(message);
}

function expect(condition, message) {
  if (!condition) fail(message);
}

// Made up per run; the fixture reads them from its environment. Never logged.
const passwords = {
  admin: randomBytes(18).toString('base64url'),
  approver: randomBytes(18).toString('base64url'),
  viewer: randomBytes(18).toString('base64url'),
};

function startFixture() {
  const child = spawn(fixturePath, [], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      AUTOTRIAGE_TEST_ADMIN_PASSWORD: passwords.admin,
      AUTOTRIAGE_TEST_APPROVER_PASSWORD: passwords.approver,
      AUTOTRIAGE_TEST_VIEWER_PASSWORD: passwords.viewer,
    },
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line.trim()));
    child.once('error', reject);
    exited.then(({ code, signal }) => reject(new Error(`fixture exited early (code ${code}, signal ${signal})`)));
  });
  return { child, url, exited };
}

let stepNumber = 0;
async function step(page, name, body) {
  stepNumber += 1;
  const label = `${String(stepNumber).padStart(2, '0')}-${name}`;
  const started = Date.now();
  try {
    await body();
    await page.screenshot({ path: path.join(artifacts, `${label}.png`), fullPage: true });
    console.log(`ok   ${label} (${Date.now() - started} ms)`);
  } catch (error) {
    await page
      .screenshot({ path: path.join(artifacts, `${label}-FAILED.png`), fullPage: true })
      .catch(() => {});
    console.log(`FAIL ${label}: ${error.message}`);
    console.log(`     page: ${page.url()}`);
    throw error;
  }
}

function cardPath(ticket) {
  return `/approvals/${ticket.id}/${ticket.version}`;
}

function listItem(page, ticket) {
  return page.locator(`article.approval[data-ticket="${ticket.id}"][data-version="${ticket.version}"]`);
}

async function logIn(page, base, name, password) {
  await page.goto(`${base}/login`);
  await page.locator('form#login input[name=name]').fill(name);
  await page.locator('form#login input[name=password]').fill(password);
  await Promise.all([page.waitForNavigation(), page.locator('form#login button[type=submit]').click()]);
}

async function logOut(page, base) {
  const form = page.locator('form[action="/logout"]');
  expect((await form.count()) > 0, 'no logout form (form[action="/logout"])');
  await Promise.all([page.waitForNavigation(), form.first().locator('button, input[type=submit]').first().click()]);
  await page.goto(`${base}/`);
  expect((await page.locator('form#login').count()) === 1, 'after logout the dashboard still opens without a login');
}

// Opens the card from the pending list (the way a person does) and checks its diff.
async function openCard(page, base, ticket) {
  await page.goto(`${base}/`);
  const item = listItem(page, ticket);
  expect((await item.count()) === 1, `ticket ${ticket.id} is not in the pending list`);
  await Promise.all([page.waitForNavigation(), item.locator('a.open').first().click()]);
  expect(new URL(page.url()).pathname === cardPath(ticket), `a.open led to ${page.url()}, not ${cardPath(ticket)}`);
  expect((await page.locator('table#diff tr[data-field]').count()) > 0, 'the card has no table#diff rows');
}

async function decide(page, action) {
  await Promise.all([
    page.waitForNavigation(),
    page.locator(`form#decide button[name=action][value=${action}]`).click(),
  ]);
}

async function flashText(page) {
  const flash = page.locator('.flash');
  expect((await flash.count()) > 0, 'no .flash message after the action');
  return (await flash.first().innerText()).trim();
}

async function historyText(page, base, ticket) {
  const response = await page.goto(`${base}/tickets/${ticket.id}`);
  expect(response.status() === 200, `/tickets/${ticket.id} answered ${response.status()}`);
  return page.locator('body').innerText();
}

// The session's CSRF token as the page carries it (hidden form field or meta tag).
async function csrfToken(page) {
  return page.evaluate(() => {
    const input = document.querySelector('input[name=csrf_token]');
    if (input) return input.value;
    const meta = document.querySelector('meta[name=csrf-token]');
    return meta ? meta.content : '';
  });
}

async function run() {
  fs.mkdirSync(artifacts, { recursive: true });
  for (const file of fs.readdirSync(artifacts)) {
    if (file.endsWith('.png')) fs.rmSync(path.join(artifacts, file));
  }
  const fixture = startFixture();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'autotriage-chromium-'));
  let context;
  const dialogs = [];
  const pageErrors = [];
  try {
    const base = await Promise.race([
      fixture.url,
      new Promise((_, reject) => setTimeout(() => reject(new Error('fixture printed no URL within 60 s')), 60000)),
    ]);
    expect(/^http:\/\/127\.0\.0\.1:\d+$/.test(base), `fixture printed "${base}", not a loopback URL`);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(15000);
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    let decideAction = '';

    await step(page, 'login-wrong-password', async () => {
      await page.goto(`${base}/`);
      expect((await page.locator('form#login').count()) === 1, 'the dashboard opened without a login form');
      await logIn(page, base, 'approver', `${passwords.approver}-wrong`);
      const error = page.locator('.error');
      expect((await error.count()) > 0, 'no .error after a wrong password');
      const text = await error.first().innerText();
      expect(!text.includes(passwords.approver), 'the error shows the password');
      expect(
        (await page.locator('form#login').count()) === 1,
        `no login form after a failed login; the page says "${text.trim()}"`,
      );
    });

    await step(page, 'login-approver', async () => {
      await logIn(page, base, 'approver', passwords.approver);
      const error = page.locator('.error');
      const said = (await error.count()) > 0 ? (await error.first().innerText()).trim() : '';
      expect((await page.locator('form#login').count()) === 0, `still on the login form: "${said}"`);
      await page.goto(`${base}/`);
      for (const ticket of Object.values(T)) {
        expect((await listItem(page, ticket).count()) === 1, `ticket ${ticket.id} missing from the pending list`);
      }
    });

    await step(page, 'approve', async () => {
      await openCard(page, base, T.approve);
      const group = page.locator('table#diff tr[data-field=group]');
      expect((await group.locator('td.new').innerText()).trim() === 'Network', 'group row does not propose Network');
      await decide(page, 'approve');
      const flash = await flashText(page);
      expect(/approv/i.test(flash), `flash after approve says "${flash}"`);
      await page.goto(`${base}/`);
      expect((await listItem(page, T.approve).count()) === 0, 'approved ticket is still pending');
      const history = await historyText(page, base, T.approve);
      expect(/approved/i.test(history), `ticket ${T.approve.id} history does not say "approved"`);
    });

    await step(page, 'reject-with-reason', async () => {
      const reason = 'Wrong queue: this is a sales enquiry';
      await openCard(page, base, T.reject);
      await page.locator('form#decide input[name=reason]').fill(reason);
      await decide(page, 'reject');
      const flash = await flashText(page);
      expect(/reject/i.test(flash), `flash after reject says "${flash}"`);
      await page.goto(`${base}/`);
      expect((await listItem(page, T.reject).count()) === 0, 'rejected ticket is still pending');
      const history = await historyText(page, base, T.reject);
      expect(/rejected/i.test(history), `ticket ${T.reject.id} history does not say "rejected"`);
      expect(history.includes(reason), `ticket ${T.reject.id} history does not show the reason`);
    });

    await step(page, 'edit-then-approve', async () => {
      await openCard(page, base, T.edit);
      const input = page.locator('[name=edit_priority]');
      expect((await input.count()) === 1, 'no edit_priority field on the card');
      const tag = await input.evaluate((element) => element.tagName);
      if (tag === 'SELECT') await input.selectOption('urgent');
      else await input.fill('urgent');
      await decide(page, 'approve');
      await flashText(page);
      const history = await historyText(page, base, T.edit);
      expect(/edited/i.test(history), `ticket ${T.edit.id} history does not say "edited"`);
      expect(history.includes('urgent'), `ticket ${T.edit.id} history does not show the edited value`);
    });

    await step(page, 'script-subject-is-text', async () => {
      await page.goto(`${base}/`);
      const listed = await listItem(page, T.script).innerText();
      expect(listed.includes(SCRIPT), 'the pending list does not show the <script> subject as text');
      await openCard(page, base, T.script);
      const cardShows = await page.getByText(SCRIPT).count();
      expect(cardShows > 0, 'the card does not show the <script> subject as text');
      const injected = await page.evaluate(() =>
        [...document.querySelectorAll('script')].some((script) => script.textContent.includes('alert(1)')),
      );
      expect(!injected, 'a <script> element with the payload made it into the DOM');
      expect(dialogs.length === 0, `a dialog fired: ${dialogs.join(' | ')}`);
      // getAttribute: form.action would be the form's button named "action".
      decideAction = await page
        .locator('form#decide')
        .evaluate((form) => new URL(form.getAttribute('action') || '', document.baseURI).href);
    });

    await step(page, 'logout-approver', async () => {
      await logOut(page, base);
    });

    await step(page, 'matrix-cell-as-admin', async () => {
      await logIn(page, base, 'admin', passwords.admin);
      await page.goto(`${base}/matrix`);
      const cell = page.locator('table#matrix form.cell[data-queue="Network"][data-field="priority"]');
      expect((await cell.count()) === 1, 'no matrix cell form for Network/priority');
      expect((await cell.locator('select[name=mode]').inputValue()) === 'suggest', 'Network/priority is not suggest before the change');
      await cell.locator('select[name=mode]').selectOption('autofill');
      await Promise.all([page.waitForNavigation(), cell.locator('button[type=submit], input[type=submit]').first().click()]);
      await flashText(page);
      await page.goto(`${base}/matrix`);
      const after = await page
        .locator('table#matrix form.cell[data-queue="Network"][data-field="priority"] select[name=mode]')
        .inputValue();
      expect(after === 'autofill', `Network/priority reads "${after}" after setting autofill`);
    });

    await step(page, 'audit-chain-verifies', async () => {
      await page.goto(`${base}/audit`);
      const status = page.locator('.verify-status');
      expect((await status.count()) > 0, 'no .verify-status on /audit');
      const text = (await status.first().innerText()).trim();
      const ok = await status.first().getAttribute('data-ok');
      expect(ok === 'true', `audit verify says "${text}" (data-ok=${ok})`);
      const entries = Number(await status.first().getAttribute('data-entries'));
      expect(entries > 0, `audit verify checked ${entries} entries`);
    });

    await step(page, 'viewer-cannot-decide', async () => {
      await logOut(page, base);
      await logIn(page, base, 'viewer', passwords.viewer);
      await page.goto(`${base}/`);
      expect((await listItem(page, T.viewer).count()) === 1, 'the viewer does not see the pending list');
      await openCard(page, base, T.viewer);
      expect((await page.locator('form#decide').count()) === 0, 'the viewer sees form#decide');
      expect((await page.locator('button[name=action]').count()) === 0, 'the viewer sees decision buttons');
      const token = await csrfToken(page);
      expect(token !== '', 'no CSRF token on the viewer page; a forced POST could not tell role from CSRF');
      const target = decideAction.replace(T.script.id, T.viewer.id).replace(T.script.version, T.viewer.version);
      const status = await page.evaluate(
        async ({ url, csrf }) => {
          const body = new URLSearchParams({ action: 'approve', csrf_token: csrf });
          const response = await fetch(url, { method: 'POST', body, redirect: 'manual' });
          return response.status;
        },
        { url: target, csrf: token },
      );
      expect(status === 403, `a viewer's forced approve POST to ${target} got ${status}, not 403`);
      await page.goto(`${base}/`);
      expect((await listItem(page, T.viewer).count()) === 1, 'ticket left the pending list after the forbidden POST');
    });

    expect(dialogs.length === 0, `dialogs fired: ${dialogs.join(' | ')}`);
    expect(pageErrors.length === 0, `page script errors: ${pageErrors.join(' | ')}`);
    console.log(`dashboard.spec: all ${stepNumber} steps passed; screenshots in ${artifacts}`);
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
    fixture.child.stdin.end();
    const { code } = await fixture.exited;
    if (code !== 0) console.log(`dashboard.spec: the fixture exited with code ${code}`);
  }
}

run().then(
  () => process.exit(0),
  (error) => {
    console.error(`dashboard.spec: FAILED: ${error.stack || error.message}`);
    process.exit(1);
  },
);
