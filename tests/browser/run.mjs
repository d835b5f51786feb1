#!/usr/bin/env node
// Browser tests of the datarun web UI against the real stack.
//
//   node tests/browser/run.mjs --bin <build>/bin [--artifacts DIR]
//        [--chromium /usr/bin/chromium] [--keep-state] [--headed]
//
// Starts `datarun-local` (exchange, four adapters and the gateway, on
// loopback ports) in a fresh state directory, drives Debian's chromium with
// playwright-core through the scenarios of issue 8, saves a screenshot of
// every page state to the artifacts directory (default
// <build>/test-artifacts/browser, or $DATARUN_ARTIFACTS_DIR), and stops the
// stack with SIGTERM whatever happens. Exit code 0 when every scenario
// passed; the last line is "browser_ui: N passed, N failed".

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, existsSync, rmSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = { bin: '', artifacts: '', chromium: '/usr/bin/chromium', keepState: false, headed: false, households: 2000, reviewMs: 300 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--bin') o.bin = next();
    else if (a === '--artifacts') o.artifacts = next();
    else if (a === '--chromium') o.chromium = next();
    else if (a === '--households') o.households = Number(next());
    else if (a === '--review-ms') o.reviewMs = Number(next());
    else if (a === '--keep-state') o.keepState = true;
    else if (a === '--headed') o.headed = true;
    else throw new Error(`unknown argument ${a} (see the header of ${fileURLToPath(import.meta.url)})`);
  }
  if (!o.bin) throw new Error('--bin <build>/bin is required');
  o.bin = resolve(o.bin);
  o.artifacts = resolve(o.artifacts || process.env.DATARUN_ARTIFACTS_DIR || join(o.bin, '..', 'test-artifacts', 'browser'));
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const log = (...a) => console.log(`[browser_ui ${new Date().toISOString().slice(11, 23)}]`, ...a);

if (!existsSync(join(opts.bin, 'datarun-gateway'))) {
  console.log(`browser_ui skipped: ${join(opts.bin, 'datarun-gateway')} does not exist (the gateway is not built)`);
  process.exit(77);
}

let playwright;
try {
  playwright = await import('playwright-core');
} catch (e) {
  console.error(`browser_ui skipped: playwright-core is not installed; run PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix ${here}`);
  process.exit(77);
}

// ---------------------------------------------------------------- the stack
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readEnvFile(path) {
  const out = {};
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim().replace(/^"(.*)"$/, '$1');
  }
  return out;
}

// dev_accounts.txt: one account a line; the password is the token after
// the username ("window1 <password>", "clerk window1 <password>",
// "window1=<password>", "username: window1 password: ..." all work).
function readAccounts(path) {
  const text = readFileSync(path, 'utf8');
  const find = (username) => {
    for (const line of text.split('\n')) {
      if (/^\s*#/.test(line)) continue;
      const tokens = line.split(/[\s:=,]+/).filter(Boolean);
      const i = tokens.indexOf(username);
      if (i < 0) continue;
      let j = i + 1;
      if (tokens[j] === 'password') j += 1;
      if (tokens[j]) return tokens[j];
    }
    throw new Error(`${path} names no account ${username}`);
  };
  return { find };
}

class Stack {
  constructor(state) {
    this.state = state;
    this.proc = null;
    this.exited = null;
    this.output = [];
  }

  async start() {
    const exe = join(opts.bin, 'datarun-local');
    if (!existsSync(exe)) throw new Error(`${exe} does not exist: build the project first`);
    const args = [`--state=${this.state}`, `--households=${opts.households}`, `--adapter_review_delay_ms=${opts.reviewMs}`];
    let help = '';
    try {
      help = execFileSync(exe, ['--helpfull'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
    } catch (e) {
      help = `${e.stdout || ''}${e.stderr || ''}`;
    }
    if (/--web_root/.test(help)) args.push(`--web_root=${join(repo, 'gateway', 'web')}`);
    log(`starting ${exe} ${args.join(' ')}`);
    this.proc = spawn(exe, args, { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((res) => this.proc.on('exit', (code, signal) => res({ code, signal })));
    const keep = (d) => {
      this.output.push(d.toString());
      if (this.output.length > 400) this.output.shift();
    };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
    let done = false;
    this.exited.then(() => { done = true; });
    const deadline = Date.now() + 90000;
    while (Date.now() < deadline) {
      if (done) throw new Error(`datarun-local exited before the gateway was up:\n${this.output.join('').slice(-3000)}`);
      const env = readEnvFile(join(this.state, 'stack.env'));
      if (env.GATEWAY_URL) {
        this.url = env.GATEWAY_URL.replace(/\/$/, '');
        if (await this.healthy()) return env;
      }
      await sleep(250);
    }
    throw new Error(`no healthy GATEWAY_URL in ${this.state}/stack.env within 90 s:\n${this.output.join('').slice(-3000)}`);
  }

  async healthy() {
    try {
      const r = await insecureFetch(`${this.url}/healthz`);
      return r.status === 200;
    } catch (e) {
      return false;
    }
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    log('stopping the stack (SIGTERM)');
    try { process.kill(this.proc.pid, 'SIGTERM'); } catch (e) { return; }
    const r = await Promise.race([this.exited, sleep(20000).then(() => null)]);
    if (r === null) {
      log('the stack did not stop within 20 s: SIGKILL to its process group');
      try { process.kill(-this.proc.pid, 'SIGKILL'); } catch (e) { /* gone */ }
      await Promise.race([this.exited, sleep(5000)]);
    }
  }
}

// A GET that accepts the stack's dev certificate (node's fetch has no such
// switch; use https directly).
async function insecureFetch(url) {
  const https = await import('node:https');
  const http = await import('node:http');
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((res, rej) => {
    const req = mod.get(url, { rejectUnauthorized: false, timeout: 2000 }, (r) => {
      r.resume();
      r.on('end', () => res({ status: r.statusCode }));
    });
    req.on('error', rej);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

// The one-time code the gateway printed for a masked subject. Scans every
// file under <state>/logs for a line written after `sinceBytes` that
// mentions a 6-digit code and the subject's masked form or its ends.
function findCitizenCode(state, subject, offsets) {
  const dir = join(state, 'logs');
  const head = subject.slice(0, 4);
  const tail = subject.slice(-4);
  let found = null;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    const text = readFileSync(p, 'utf8');
    const fresh = text.slice(offsets[f] || 0);
    for (const line of fresh.split('\n')) {
      if (!/code/i.test(line)) continue;
      if (!(line.includes(head) && line.includes(tail))) continue;
      const m = /"(?:code|one_time_code|otp)"\s*:\s*"?(\d{6})"?/.exec(line) || /\bcode\D{0,12}(\d{6})\b/i.exec(line);
      if (m) found = m[1];
    }
  }
  return found;
}

function logOffsets(state) {
  const dir = join(state, 'logs');
  const out = {};
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) out[f] = readFileSync(join(dir, f), 'utf8').length;
  return out;
}

// ---------------------------------------------------------------- scenarios
let shotNo = 0;
async function shot(page, name) {
  shotNo += 1;
  const file = join(opts.artifacts, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log(`screenshot ${file}`);
}

// A screenshot of one element (a section of a long page).
async function shotOf(locator, name) {
  shotNo += 1;
  const file = join(opts.artifacts, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await locator.screenshot({ path: file });
  log(`screenshot ${file}`);
}

async function signInOfficial(page, url, username, password) {
  // A full load, so no state of an earlier session survives in the page.
  await page.goto(`${url}/#/signin`);
  await page.reload();
  await page.waitForSelector('#username');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#signin-submit');
  await page.waitForSelector('#signout', { timeout: 15000 });
}

async function signOut(page) {
  await page.click('#signout');
  await page.waitForSelector('#username');
}

// The finished property transfer's events list groups its material events:
// one submission-check item (each material once), and under each step what
// its department read; e.g. the deed_tax step shows the buyer's sale
// contract read by tax from housing.sale_contract with its audit entry.
async function assertGroupedMaterials(page) {
  const kinds = await page.$$eval('ol.events > li', (els) => els.map((e) => e.dataset.kind));
  assert.equal(kinds.filter((k) => k === 'material-checks').length, 1, `one submission-check item: ${kinds.join(', ')}`);
  assert.equal(kinds.filter((k) => k === 'CASE_EVENT_KIND_MATERIAL_PULLED').length, 0, 'no flat material events');
  const checked = await page.$$eval('ol.events li[data-kind="material-checks"] li[data-material]',
    (els) => els.map((e) => [e.dataset.material, e.dataset.outcome]));
  const names = checked.map(([m]) => m);
  assert.ok(checked.length >= 4, `the submission check lists ${checked.length} materials`);
  assert.equal(new Set(names).size, names.length, `each material is checked once: ${names.join(', ')}`);
  assert.ok(checked.some(([m, o]) => m === 'buyer_sale_contract' && o === 'held'), `buyer_sale_contract held: ${JSON.stringify(checked)}`);
  const deedTax = page.locator('ol.events li[data-kind="step-reads"][data-step="deed_tax"]');
  assert.equal(await deedTax.count(), 1, 'one reads item for deed_tax');
  assert.equal(await deedTax.getAttribute('data-department'), 'tax');
  const contract = deedTax.locator('li[data-material="buyer_sale_contract"]');
  assert.equal(await contract.count(), 1, 'deed_tax shows the sale contract');
  assert.equal(await contract.getAttribute('data-department'), 'tax', 'the sale contract is read by tax');
  assert.equal(await contract.getAttribute('data-dataset'), 'housing.sale_contract');
  assert.match(await contract.getAttribute('data-grant'), /^tax\./, 'read under a tax grant');
  assert.match(await contract.getAttribute('data-audit-entry'), /^\d+$/, 'with its audit entry number');
  assert.match(await contract.textContent(), /#\d+/, 'the audit entry number is shown');
  const stepsWithReads = await page.$$eval('ol.events li[data-kind="step-reads"]', (els) => els.map((e) => e.dataset.step));
  assert.ok(stepsWithReads.length >= 3, `reads grouped under ${stepsWithReads.join(', ')}`);
  assert.equal(new Set(stepsWithReads).size, stepsWithReads.length, 'one reads item per step');
  assert.ok(await page.locator('table.case-steps tr[data-step="deed_tax"] .step-reads').count() === 1,
    'the steps table lists what deed_tax read');
}

async function scenarioClerk(page, ctx) {
  await page.goto(`${ctx.url}/`);
  await page.waitForSelector('#username');
  await shot(page, 'signin');
  await signInOfficial(page, ctx.url, 'window1', ctx.accounts.find('window1'));
  await page.waitForSelector('[data-view="desk"] #case-type');
  await shot(page, 'clerk-window-desk');

  await page.selectOption('#case-type', 'property_transfer');
  await page.fill('#subject-seller', ctx.subjects.seller_id);
  await page.fill('#subject-buyer', ctx.subjects.buyer_id);
  await page.click('#check-materials');
  await page.waitForSelector('table.materials[data-party="seller"]', { timeout: 30000 });
  await page.waitForSelector('table.materials[data-party="buyer"]', { timeout: 30000 });
  const pulled = await page.locator('tr[data-status="MATERIAL_STATUS_PULLED"]').count();
  assert.ok(pulled >= 4, `the window desk shows ${pulled} pulled materials, want at least 4`);
  const pulledFrom = await page.locator('tr[data-status="MATERIAL_STATUS_PULLED"] .dept').allTextContents();
  assert.ok(new Set(pulledFrom).size >= 2, `pulled from ${[...new Set(pulledFrom)].join(', ')}: want several departments`);
  assert.ok(await page.locator('.presence').count() >= 1, 'the signed applications are marked as requiring presence');
  // Upload references for whatever the applicant must provide.
  const refs = page.locator('.ref-input[aria-required="true"]');
  const n = await refs.count();
  for (let i = 0; i < n; i++) await refs.nth(i).fill(`scan-${i + 1}`);
  await shot(page, 'clerk-materials-checked');

  await page.click('#submit-case');
  await page.waitForURL(/#\/cases\/[^/]+$/, { timeout: 20000 });
  const caseId = decodeURIComponent(page.url().split('#/cases/')[1]);
  log(`submitted case ${caseId}`);
  await page.waitForSelector('svg.timeline rect.tl-bar', { timeout: 20000 });
  await page.waitForTimeout(400);
  await shot(page, 'clerk-tracker-running');
  await page.waitForSelector('#case-result', { timeout: 60000 });
  // The final record refresh follows the end event.
  await page.waitForFunction(() => document.querySelectorAll('svg.timeline rect.tl-bar').length >= 4, null, { timeout: 10000 });
  const state = await page.getAttribute('#case-state', 'data-value');
  assert.equal(state, 'CASE_STATE_COMPLETED', `case ${caseId} finished ${state}`);
  const maxParallel = Number(await page.getAttribute('svg.timeline', 'data-max-parallel'));
  assert.ok(maxParallel >= 2, `the timeline shows at most ${maxParallel} reviews at once, want overlapping reviews`);
  const bars = await page.$$eval('svg.timeline rect.tl-bar', (els) => els.map((e) => ({
    step: e.dataset.step, start: Number(e.dataset.startMs), end: Number(e.dataset.endMs), state: e.dataset.state,
  })));
  const reviews = bars.filter((b) => b.step !== 'transfer');
  const transfer = bars.find((b) => b.step === 'transfer');
  assert.ok(transfer, 'the timeline has the transfer step');
  for (const r of reviews) {
    assert.ok(transfer.start >= r.end - 1, `transfer starts (${transfer.start} ms) after ${r.step} ends (${r.end} ms)`);
  }
  assert.ok(await page.locator('.metric[data-metric="serial"]').count() === 1, 'metrics show the serial sum');
  await page.waitForSelector('.conn-ended');
  await assertGroupedMaterials(page);
  await shot(page, 'clerk-tracker-finished');
  // The events list, oldest (the submission check, the reads) at its bottom.
  await page.$eval('ol.events', (el) => { el.scrollTop = el.scrollHeight; });
  await shotOf(page.locator('ol.events'), 'clerk-tracker-materials-read');
  ctx.caseId = caseId;

  await page.goto(`${ctx.url}/#/cases`);
  await page.waitForSelector(`tr[data-case-id="${caseId}"]`, { timeout: 10000 });
  await shot(page, 'clerk-case-list');
  // The cases of one person (the exchange's party index): none for someone
  // else, the transfer for its buyer.
  await page.fill('#filter-party', ctx.subjects.completed_buyer_id);
  await page.click('form.filters button[type="submit"]');
  await page.waitForSelector('.cases p.empty', { timeout: 10000 });
  await page.fill('#filter-party', ctx.subjects.buyer_id);
  await page.click('form.filters button[type="submit"]');
  await page.waitForSelector(`tr[data-case-id="${caseId}"]`, { timeout: 10000 });

  await page.goto(`${ctx.url}/#/catalog`);
  await page.waitForSelector('table.dataset-list tr[data-dataset]', { timeout: 10000 });
  await shot(page, 'clerk-catalog');
  await page.click('tr[data-dataset="land.property_title"] a');
  await page.waitForSelector('table.field-list tr[data-field]', { timeout: 10000 });
  await shot(page, 'clerk-catalog-dataset');

  // Scenario 3, first half: the clerk may not open the audit console; the
  // page shows the API's 403 message.
  await page.goto(`${ctx.url}/#/audit`);
  const alert = page.locator('.alert-error[data-status="403"]');
  await alert.waitFor({ timeout: 10000 });
  const text = await alert.textContent();
  assert.match(text, /audit/i, `the 403 names the audit console: ${text}`);
  assert.equal(await page.locator('#audit-run').count(), 0, 'no search form for the clerk');
  await shot(page, 'clerk-audit-console-403');
  await signOut(page);
}

async function scenarioCitizen(page, ctx) {
  const subject = ctx.subjects.buyer_id;
  await page.goto(`${ctx.url}/#/signin`);
  await page.waitForSelector('#citizen-subject');
  await page.fill('#citizen-subject', subject);
  const offsets = logOffsets(ctx.state);
  await page.click('#citizen-get-code');
  await page.waitForSelector('.alert-ok', { timeout: 10000 });
  let code = null;
  const deadline = Date.now() + 10000;
  while (!code && Date.now() < deadline) {
    code = findCitizenCode(ctx.state, subject, offsets);
    if (!code) await sleep(200);
  }
  assert.ok(code, `no one-time code for the buyer in ${ctx.state}/logs`);
  await page.fill('#citizen-code', code);
  await shot(page, 'citizen-code');
  await page.click('#citizen-submit');
  await page.waitForSelector('[data-view="me/accesses"]', { timeout: 15000 });
  await page.waitForSelector('table.access-list', { timeout: 15000 });
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('td.verify-cell')];
    return cells.length > 0 && cells.every((c) => c.dataset.verified === 'ok' || c.dataset.verified === 'fail');
  }, null, { timeout: 15000 });
  const states = await page.$$eval('td.verify-cell', (els) => els.map((e) => e.dataset.verified));
  assert.ok(states.length >= 1, 'the buyer sees accesses to their data');
  assert.deepEqual(states.filter((s) => s !== 'ok'), [], 'every access is verified in the browser');
  const sig = await page.getAttribute('.checkpoint', 'data-signature');
  assert.ok(sig === 'ok' || sig === 'unsupported', `checkpoint signature: ${sig}`);
  const gw = await page.$$eval('.gw', (els) => els.map((e) => e.dataset.gatewayVerified));
  assert.ok(gw.every((v) => v === 'true'), `the gateway verified every entry too: ${gw.join(',')}`);
  if (ctx.caseId) {
    assert.ok(await page.locator(`a[href="#/cases/${encodeURIComponent(ctx.caseId)}"]`).count() >= 1,
      'the accesses name the case just submitted');
  }
  await shot(page, 'citizen-who-read-my-data');
  await page.click('#lang-toggle');
  await page.waitForSelector('table.access-list');
  await page.waitForFunction(() => [...document.querySelectorAll('td.verify-cell')].every((c) => c.dataset.verified === 'ok'), null, { timeout: 15000 });
  await shot(page, 'citizen-who-read-my-data-en');
  await page.click('#lang-toggle');

  if (ctx.caseId) {
    await page.goto(`${ctx.url}/#/cases/${encodeURIComponent(ctx.caseId)}`);
    await page.waitForSelector('#case-result', { timeout: 10000 });
    await page.waitForSelector('.conn-ended', { timeout: 10000 });
    // A finished case's stream replays all its events (listed newest first),
    // SUBMITTED to FINISHED.
    const kinds = await page.$$eval('ol.events li', (els) => els.map((e) => e.dataset.kind));
    if (!kinds.includes('CASE_EVENT_KIND_SUBMITTED') || !kinds.includes('CASE_EVENT_KIND_FINISHED')) {
      throw new Error(`the finished case's event stream replayed ${kinds.length} event(s): ${kinds.join(', ')}`);
    }
    await assertGroupedMaterials(page);
    await shot(page, 'citizen-own-case');
    // A read of the buyer's own data links to that entry in "who read my data".
    const link = page.locator('li[data-kind="step-reads"] li[data-material="buyer_identity"] a.audit-ref').first();
    assert.equal(await link.count(), 1, 'the citizen sees an audit link for the read of their identity');
    const entry = await link.getAttribute('data-entry');
    await link.click();
    await page.waitForSelector(`[data-view="me/accesses"] tr.highlight[data-index="${entry}"]`, { timeout: 15000 });
    await shot(page, 'citizen-audit-entry-from-case');
  }
  await signOut(page);
}

// Adds audit entries: a clerk's intake check, through the API, in a
// browser context of its own.
async function growLog(ctx) {
  const other = await ctx.browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const p = await other.newPage();
    await p.goto(`${ctx.url}/`);
    const status = await p.evaluate(async ({ username, password, subject }) => {
      const json = { 'Content-Type': 'application/json' };
      const s = await fetch('/api/v1/session', { method: 'POST', headers: json, body: JSON.stringify({ username, password }) });
      const { csrf_token: csrf } = await s.json();
      const r = await fetch('/api/v1/intake/check', {
        method: 'POST', headers: { ...json, 'X-Datarun-CSRF': csrf },
        body: JSON.stringify({ case_type: 'property_transfer', subject, party: 'seller' }),
      });
      return r.status;
    }, { username: 'window1', password: ctx.accounts.find('window1'), subject: ctx.subjects.seller_id });
    assert.equal(status, 200, 'intake check to grow the log');
  } finally {
    await other.close();
  }
}

async function scenarioAuditor(page, ctx) {
  await signInOfficial(page, ctx.url, 'auditor1', ctx.accounts.find('auditor1'));
  await page.waitForSelector('[data-view="audit"]');
  await page.waitForSelector('table.audit-results', { timeout: 15000 });
  await page.waitForSelector('table.checkpoint-list, .checkpoint-list, #cons-form', { timeout: 15000 });
  await page.waitForFunction(() => [...document.querySelectorAll('table.audit-results td.verify-cell')].every((c) => c.dataset.verified), null, { timeout: 15000 });
  const bad = await page.$$eval('table.audit-results td.verify-cell', (els) => els.filter((e) => e.dataset.verified !== 'ok').length);
  assert.equal(bad, 0, 'every search result verifies in the browser');
  await shot(page, 'auditor-console');
  // Consistency between a published history checkpoint and the latest. The
  // exchange publishes one every 10 s while the log grows; wait for one,
  // then make the log grow past it (a clerk's intake check in another
  // browser context) so the proof is not trivial.
  const historySizes = async () => page.$$eval('table.checkpoint-list tr[data-tree-size][data-published="true"]',
    (els) => els.map((e) => Number(e.dataset.treeSize)));
  const latestSize = async () => Number(await page.getAttribute('table.checkpoint-list tr[data-latest="true"]', 'data-tree-size'));
  const deadline = Date.now() + 25000;
  while ((await historySizes()).length === 0) {
    assert.ok(Date.now() < deadline, 'no published checkpoint in the history within 25 s');
    await sleep(1000);
    await page.click('#cp-refresh');
    await page.waitForSelector('table.checkpoint-list tr[data-latest="true"]');
  }
  if (Math.max(...(await historySizes())) >= (await latestSize())) {
    await growLog(ctx);
    await page.click('#cp-refresh');
    await page.waitForFunction(async (n) => {
      const row = document.querySelector('table.checkpoint-list tr[data-latest="true"]');
      return row && Number(row.dataset.treeSize) > n;
    }, Math.max(...(await historySizes())), { timeout: 10000 });
  }
  const first = await page.inputValue('#cons-first');
  const second = await page.inputValue('#cons-second');
  assert.ok(Number(first) > 0 && Number(first) < Number(second), `consistency check ${first} -> ${second}`);
  await page.click('#cons-check');
  await page.waitForSelector('#cons-result[data-verified]', { timeout: 10000 });
  assert.equal(await page.getAttribute('#cons-result', 'data-verified'), 'true', 'consistency verified');
  assert.equal(await page.getAttribute('#cons-result', 'data-browser'), 'ok', 'the browser verified the consistency proof');
  assert.equal(await page.getAttribute('#cons-result [data-gateway-verified]', 'data-gateway-verified'), 'true');
  await shot(page, 'auditor-consistency');
  const href = await page.getAttribute('#audit-export', 'href');
  assert.match(href, /^\/api\/v1\/audit\/export/);
  const exported = await page.evaluate(async (u) => {
    const r = await fetch(u);
    return { status: r.status, type: r.headers.get('content-type'), lines: (await r.text()).split('\n').filter(Boolean).length };
  }, href);
  assert.equal(exported.status, 200, 'export answers 200');
  assert.ok(exported.lines >= 1, 'export has lines');
  await signOut(page);
}

// ---------------------------------------------------------------- main
mkdirSync(opts.artifacts, { recursive: true });
for (const f of readdirSync(opts.artifacts)) {
  if (f.endsWith('.png') || f === 'stack-logs') rmSync(join(opts.artifacts, f), { recursive: true, force: true });
}
const state = mkdtempSync(join(tmpdir(), 'datarun-browser-'));
const stack = new Stack(state);
const results = [];
let browser = null;
const started = Date.now();

const onSignal = async (sig) => {
  log(`got ${sig}`);
  if (browser) await browser.close().catch(() => {});
  await stack.stop();
  process.exit(2);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  await stack.start();
  log(`gateway at ${stack.url} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const subjects = readEnvFile(join(state, 'data', 'demo_subjects.txt'));
  assert.ok(subjects.seller_id && subjects.buyer_id, 'demo_subjects.txt has seller_id and buyer_id');
  const ctx = {
    url: stack.url, state, subjects,
    accounts: readAccounts(join(state, 'gateway', 'dev_accounts.txt')),
  };
  browser = await playwright.chromium.launch({
    executablePath: opts.chromium, headless: !opts.headed, args: ['--no-sandbox'],
  });
  ctx.browser = browser;
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // 401 and 403 answers are part of the scenarios (no session yet, the clerk on the audit console).
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) log(`console error: ${m.text()}`); });
  for (const [name, fn] of [['clerk window desk to finished case', scenarioClerk],
    ['citizen sees verified accesses', scenarioCitizen],
    ['auditor console and consistency check', scenarioAuditor]]) {
    const t0 = Date.now();
    try {
      await fn(page, ctx);
      assert.deepEqual(pageErrors, [], 'no uncaught page errors');
      results.push({ name, ok: true });
      log(`PASS ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      results.push({ name, ok: false, error: e });
      log(`FAIL ${name}: ${e.stack || e}`);
      await shot(page, `FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
      pageErrors.length = 0;
      // Start the next scenario signed out, in a freshly loaded page.
      await context.clearCookies().catch(() => {});
      await page.goto(`${ctx.url}/#/signin`).then(() => page.reload()).catch(() => {});
    }
  }
  // The narrow window: the window desk still works at 420 px.
  try {
    await page.setViewportSize({ width: 420, height: 800 });
    await signInOfficial(page, ctx.url, 'window1', ctx.accounts.find('window1'));
    await page.waitForSelector('[data-view="desk"] #case-type');
    await shot(page, 'narrow-window-desk');
    if (ctx.caseId) {
      await page.goto(`${ctx.url}/#/cases/${encodeURIComponent(ctx.caseId)}`);
      await page.waitForSelector('#case-result', { timeout: 10000 });
      await shot(page, 'narrow-window-tracker');
    }
    results.push({ name: 'narrow window', ok: true });
  } catch (e) {
    results.push({ name: 'narrow window', ok: false, error: e });
    log(`FAIL narrow window: ${e.stack || e}`);
  }
} catch (e) {
  results.push({ name: 'stack', ok: false, error: e });
  log(`FAIL: ${e.stack || e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  await stack.stop();
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    try {
      mkdirSync(join(opts.artifacts, 'stack-logs'), { recursive: true });
      writeFileSync(join(opts.artifacts, 'stack-logs', 'datarun-local.out'), stack.output.join(''));
      if (existsSync(join(state, 'logs'))) cpSync(join(state, 'logs'), join(opts.artifacts, 'stack-logs'), { recursive: true });
      log(`stack logs copied to ${join(opts.artifacts, 'stack-logs')}`);
    } catch (e) { /* best effort */ }
  }
  if (opts.keepState) log(`state kept in ${state}`);
  else rmSync(state, { recursive: true, force: true });
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${opts.artifacts}`);
  console.log(`browser_ui: ${results.filter((r) => r.ok).length} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
}
