#!/usr/bin/env node
// A development stand-in for datarun-gateway: serves gateway/web and a
// small fake of the HTTP API (docs/gateway-api.md) on http://127.0.0.1
// (a secure context for WebCrypto, no certificate needed), so the pages can
// be looked at without building the C++ stack. Not used by the tests.
//
//   node tests/browser/dev/mock_gateway.mjs [--port 18930]
//
// Accounts: window1 / auditor1 / tax1 / admin1, password "dev"; any valid
// looking identity number signs in as a citizen with code 123456. Audit
// entries carry real RFC 9162 proofs and an Ed25519-signed checkpoint.
import http from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, resolve, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webcrypto, randomUUID } from 'node:crypto';

import { leafHash, nodeHash, sha256, toBase64 } from '../../../gateway/web/ui/js/merkle.js';
import { encodeAuditEntry } from '../../../gateway/web/ui/js/audit_entry_pb.js';
import { keyId } from '../../../gateway/web/ui/js/note.js';

if (!globalThis.crypto) globalThis.crypto = webcrypto;
const here = dirname(fileURLToPath(import.meta.url));
const webRoot = resolve(here, '..', '..', '..', 'gateway', 'web');
const port = Number(process.argv[process.argv.indexOf('--port') + 1]) || 18930;

const USERS = {
  window1: { username: 'window1', display_name: '窗口一 Window 1', role: 'clerk', department: 'servicehall' },
  auditor1: { username: 'auditor1', display_name: '审计一 Auditor 1', role: 'auditor', department: 'audit' },
  tax1: { username: 'tax1', display_name: '税务一 Tax 1', role: 'officer', department: 'tax' },
  admin1: { username: 'admin1', display_name: '管理员 Admin', role: 'admin', department: '' },
};
const sessions = new Map();

const CASE_TYPE = {
  id: 'property_transfer', title: '存量房转移登记 Second-hand property transfer registration',
  purpose: 'property_transfer.intake', parties: ['seller', 'buyer'],
  materials: [
    { id: 'seller_identity', title: '居民身份证 Seller\'s identity card', party: 'seller', dataset: 'registry.resident' },
    { id: 'title_certificate', title: '不动产权证书 Title certificate', party: 'seller', dataset: 'land.property_title' },
    { id: 'sale_contract', title: '网签备案合同 Filed sale contract', party: 'seller', dataset: 'housing.sale_contract' },
    { id: 'seller_application', title: '不动产登记申请书 Signed application (seller)', party: 'seller', requires_presence: true },
    { id: 'buyer_identity', title: '居民身份证 Buyer\'s identity card', party: 'buyer', dataset: 'registry.resident' },
    { id: 'dwelling_count', title: '家庭住房套数 Family dwelling count', party: 'buyer', dataset: 'housing.dwelling_count', deferrable: true, defer_days: 30 },
    { id: 'deed_tax_certificate', title: '契税完税证明 Deed tax payment certificate', party: 'buyer', dataset: 'tax.payment_certificate', issued_by_step: 'deed_tax' },
    { id: 'buyer_application', title: '不动产登记申请书 Signed application (buyer)', party: 'buyer', requires_presence: true },
  ],
  steps: [
    { id: 'contract_review', title: '合同备案核验 Housing: the sale contract is filed', department: 'housing' },
    { id: 'deed_tax', title: '契税核定 Tax: deed tax assessed and paid', department: 'tax' },
    { id: 'title_review', title: '权属审核 Land: the seller holds the title', department: 'land' },
    { id: 'transfer', title: '转移登记 Land: register the transfer', department: 'land', after: ['contract_review', 'deed_tax', 'title_review'] },
  ],
};

// ---- audit log with real proofs
const leaves = [];
const entries = [];
const checkpoints = [];
const keys = await webcrypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
const pub = new Uint8Array(await webcrypto.subtle.exportKey('raw', keys.publicKey));
const KEY_NAME = 'datarun.local/audit';
const kid = await keyId(KEY_NAME, pub);
const VERIFIER_KEY = `${KEY_NAME}+${kid.toString(16).padStart(8, '0')}+${toBase64(Uint8Array.of(1, ...pub))}`;

function split(n) { let k = 1; while (k * 2 < n) k *= 2; return k; }
async function mth(ls) {
  if (ls.length === 0) return sha256(new Uint8Array(0));
  if (ls.length === 1) return ls[0];
  const k = split(ls.length);
  return nodeHash(await mth(ls.slice(0, k)), await mth(ls.slice(k)));
}
async function path(m, ls) {
  if (ls.length <= 1) return [];
  const k = split(ls.length);
  if (m < k) return [...(await path(m, ls.slice(0, k))), await mth(ls.slice(k))];
  return [...(await path(m - k, ls.slice(k))), await mth(ls.slice(0, k))];
}
async function subproof(m, ls, b) {
  const n = ls.length;
  if (m === n) return b ? [] : [await mth(ls)];
  const k = split(n);
  if (m <= k) return [...(await subproof(m, ls.slice(0, k), b)), await mth(ls.slice(k))];
  return [...(await subproof(m - k, ls.slice(k), false)), await mth(ls.slice(0, k))];
}
async function signedCheckpoint(size) {
  const root = await mth(leaves.slice(0, size));
  const text = `datarun.local/audit/node-1\n${size}\n${toBase64(root)}\n`;
  const sig = new Uint8Array(await webcrypto.subtle.sign({ name: 'Ed25519' }, keys.privateKey, new TextEncoder().encode(text)));
  const blob = Uint8Array.of(kid >>> 24, (kid >>> 16) & 0xff, (kid >>> 8) & 0xff, kid & 0xff, ...sig);
  return { note: `${text}\n\u2014 ${KEY_NAME} ${toBase64(blob)}\n`, tree_size: String(size), root_hash: toBase64(root), published_at_micros: String(Date.now() * 1000) };
}
async function appendEntry(e) {
  const entry = { time_micros: String(Date.now() * 1000), ...e };
  entries.push(entry);
  leaves.push(await leafHash(encodeAuditEntry(entry)));
  if (leaves.length % 5 === 0) checkpoints.push(await signedCheckpoint(leaves.length));
}
async function proved(indices) {
  const size = leaves.length;
  const cp = await signedCheckpoint(size);
  const out = [];
  for (const i of indices) {
    out.push({ index: String(i), entry: entries[i], leaf_hash: toBase64(leaves[i]), inclusion_proof: (await path(i, leaves.slice(0, size))).map(toBase64), gateway_verified: true });
  }
  return { entries: out, checkpoint: cp };
}
for (let i = 0; i < 7; i++) {
  await appendEntry({ consumer: 'tax', on_behalf_of: `t${i}`, dataset: 'registry.resident', owner: 'registry', subject_hash: 'ab', purpose: 'warmup', decision: 'AUDIT_DECISION_ALLOW', status_code: 'OK', record_count: 1 });
}

// ---- cases
const cases = new Map();
const subscribers = new Map();
function emit(c, ev) {
  c.seq += 1;
  const e = { case_id: c.record.case_id, sequence: String(c.seq), at_micros: String(Date.now() * 1000), ...ev };
  c.events.push(e);
  c.record.last_event = String(c.seq);
  for (const res of subscribers.get(c.record.case_id) || []) res.write(`event: case\nid: ${c.seq}\ndata: ${JSON.stringify(e)}\n\n`);
  if (ev.kind === 'CASE_EVENT_KIND_FINISHED') {
    for (const res of subscribers.get(c.record.case_id) || []) res.end('event: end\ndata: {}\n\n');
    subscribers.delete(c.record.case_id);
  }
}
function runCase(c) {
  const st = (id) => c.record.steps.find((s) => s.step === id);
  const start = (id) => {
    Object.assign(st(id), { state: 'STEP_STATE_RUNNING', started_at_micros: String(Date.now() * 1000), attempts: 1 });
    emit(c, { kind: 'CASE_EVENT_KIND_STEP_STARTED', step: id, step_state: 'STEP_STATE_RUNNING' });
  };
  const finish = (id) => {
    Object.assign(st(id), { state: 'STEP_STATE_APPROVED', finished_at_micros: String(Date.now() * 1000) });
    emit(c, { kind: 'CASE_EVENT_KIND_STEP_FINISHED', step: id, step_state: 'STEP_STATE_APPROVED' });
  };
  // The exchange's material events: the service hall's check of each
  // dataset-backed material at submission, then each step's reads.
  const owner = (m) => m.dataset.split('.')[0];
  for (const m of CASE_TYPE.materials.filter((x) => x.dataset && !x.issued_by_step)) {
    emit(c, {
      kind: 'CASE_EVENT_KIND_MATERIAL_PULLED', material: m.id,
      detail: m.deferrable ? `not pulled: ${owner(m)} holds no record`
        : `held by ${owner(m)} (${m.dataset}, 1 record(s)): checked by servicehall on identifying fields only`,
    });
  }
  const read = (step, dept, ids) => {
    for (const id of ids) {
      const m = CASE_TYPE.materials.find((x) => x.id === id);
      emit(c, {
        kind: 'CASE_EVENT_KIND_MATERIAL_PULLED', step, material: id,
        detail: `read by ${dept} for step '${step}' from ${m.dataset} (${owner(m)}) under grant '${dept}.${m.dataset.split('.')[1]}.case': 1 record(s), audit entry #${leaves.length + 1}`,
      });
    }
  };
  setTimeout(() => {
    read('contract_review', 'housing', ['sale_contract', 'title_certificate']);
    read('deed_tax', 'tax', ['buyer_identity', 'sale_contract', 'title_certificate']);
    read('title_review', 'land', ['title_certificate']);
    start('contract_review'); start('deed_tax'); start('title_review');
  }, 100);
  setTimeout(() => finish('contract_review'), 1500);
  setTimeout(() => finish('title_review'), 2200);
  setTimeout(() => { finish('deed_tax'); start('transfer'); }, 3000);
  setTimeout(() => {
    finish('transfer');
    c.record.state = 'CASE_STATE_COMPLETED';
    c.record.finished_at_micros = String(Date.now() * 1000);
    const sub = Number(c.record.submitted_at_micros);
    c.record.metrics = { elapsed_ms: String(Math.round((Date.now() * 1000 - sub) / 1000)), serial_sum_ms: '6300', critical_path_ms: '3900', trips: 1, materials_pulled: 6, materials_uploaded: 2 };
    emit(c, { kind: 'CASE_EVENT_KIND_FINISHED', case_state: 'CASE_STATE_COMPLETED' });
  }, 4500);
}

// ---- HTTP
function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}
function error(res, status, code, message) {
  send(res, status, { error: { code, grpc_code: 0, http_status: status, message } });
}
function session(req) {
  const m = /dr_session=([^;]+)/.exec(req.headers.cookie || '');
  return m ? sessions.get(m[1]) : null;
}
async function body(req) {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s ? JSON.parse(s) : {};
}
function newSession(res, user) {
  const id = randomUUID();
  const s = { user, csrf: randomUUID() };
  sessions.set(id, s);
  send(res, 200, { user: { username: user.username, display_name: user.display_name, role: user.role, department: user.department }, csrf_token: s.csrf },
    { 'Set-Cookie': `dr_session=${id}; HttpOnly; SameSite=Strict; Path=/` });
}
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'application/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const p = url.pathname;
  if (!p.startsWith('/api/')) {
    const file = p === '/' ? join(webRoot, 'index.html') : join(webRoot, p);
    if (!file.startsWith(webRoot) || !existsSync(file) || statSync(file).isDirectory()) return error(res, 404, 'NOT_FOUND', `no page ${p}`);
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] || 'application/octet-stream', 'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'" });
    return res.end(readFileSync(file));
  }
  const s = session(req);
  const role = s && s.user.role;
  const need = (...roles) => {
    if (!s) { error(res, 401, 'UNAUTHENTICATED', 'sign in first'); return false; }
    if (!roles.includes(role)) { error(res, 403, 'PERMISSION_DENIED', `role ${role} may not use this (${roles.join(', ')} only)`); return false; }
    if (req.method === 'POST' && req.headers['x-datarun-csrf'] !== s.csrf) { error(res, 403, 'PERMISSION_DENIED', 'missing or wrong X-Datarun-CSRF header'); return false; }
    return true;
  };
  try {
    if (p === '/api/v1/session' && req.method === 'POST') {
      const b = await body(req);
      if (!USERS[b.username] || b.password !== 'dev') return error(res, 401, 'UNAUTHENTICATED', 'wrong username or password');
      return newSession(res, USERS[b.username]);
    }
    if (p === '/api/v1/session' && req.method === 'GET') {
      if (!s) return error(res, 401, 'UNAUTHENTICATED', 'no session');
      return send(res, 200, { user: s.user, csrf_token: s.csrf });
    }
    if (p === '/api/v1/session' && req.method === 'DELETE') { res.writeHead(204); return res.end(); }
    if (p === '/api/v1/citizen/code') {
      const b = await body(req);
      if (!/^[0-9]{17}[0-9X]$/.test(b.subject || '')) return error(res, 400, 'INVALID_ARGUMENT', 'subject: not an 18-character identity number');
      console.log(JSON.stringify({ event: 'citizen_code', subject: `${b.subject.slice(0, 4)}**********${b.subject.slice(-4)}`, code: '123456' }));
      return send(res, 202, { expires_in_seconds: 300 });
    }
    if (p === '/api/v1/citizen/session') {
      const b = await body(req);
      if (b.code !== '123456') return error(res, 401, 'UNAUTHENTICATED', 'wrong code');
      return newSession(res, { username: `${b.subject.slice(0, 4)}**********${b.subject.slice(-4)}`, display_name: '', role: 'citizen', department: '', subject: b.subject });
    }
    if (p === '/api/v1/case-types') return need('clerk', 'officer', 'citizen') && send(res, 200, { case_types: [CASE_TYPE] });
    if (p === '/api/v1/intake/check') {
      if (!need('clerk')) return;
      const b = await body(req);
      const mats = CASE_TYPE.materials.filter((m) => m.party === b.party).map((m) => {
        const status = m.issued_by_step ? 'MATERIAL_STATUS_ISSUED_IN_CASE' : m.deferrable ? 'MATERIAL_STATUS_MISSING_DEFERRABLE' : m.dataset ? 'MATERIAL_STATUS_PULLED' : 'MATERIAL_STATUS_TO_PROVIDE';
        return { material: m.id, title: m.title, status, department: m.dataset ? m.dataset.split('.')[0] : '', dataset: m.dataset || '', records: status === 'MATERIAL_STATUS_PULLED' ? 1 : 0, requires_presence: !!m.requires_presence, defer_days: m.defer_days || 0, detail: m.issued_by_step ? `issued by step ${m.issued_by_step}` : '' };
      });
      for (const m of mats) if (m.status === 'MATERIAL_STATUS_PULLED') await appendEntry({ consumer: 'servicehall', on_behalf_of: s.user.username, dataset: m.dataset, owner: m.department, subject_hash: 'cd', purpose: 'property_transfer.intake', decision: 'AUDIT_DECISION_ALLOW', status_code: 'OK', record_count: 1 });
      return send(res, 200, { case_type: b.case_type, party: b.party, subject_kind: 'person', materials: mats, required: mats.length, from_shared_data: mats.filter((m) => /PULLED|ISSUED/.test(m.status)).length, to_provide: mats.filter((m) => m.status === 'MATERIAL_STATUS_TO_PROVIDE').length, missing_required: 0, deferrable: 1, trips: 1 });
    }
    if (p === '/api/v1/cases' && req.method === 'POST') {
      if (!need('clerk')) return;
      const b = await body(req);
      const id = `pt-${Date.now().toString(36)}`;
      const c = { seq: 0, events: [], record: { case_id: id, case_type: b.case_type, state: 'CASE_STATE_RUNNING', parties: b.parties, submitted_by: 'servicehall', on_behalf_of: s.user.username, submitted_at_micros: String(Date.now() * 1000), steps: CASE_TYPE.steps.map((x) => ({ step: x.id, department: x.department, state: 'STEP_STATE_PENDING' })), materials: [...b.uploaded.map((u) => ({ material: u.material, source: 'uploaded' })), ...b.deferred.map((d) => ({ material: d, source: 'deferred', due_at_micros: String((Date.now() + 30 * 86400000) * 1000) }))], metrics: {} } };
      cases.set(id, c);
      emit(c, { kind: 'CASE_EVENT_KIND_SUBMITTED', case_state: 'CASE_STATE_RUNNING', detail: 'by servicehall' });
      runCase(c);
      return send(res, 200, { case: c.record, created: true });
    }
    if (p === '/api/v1/cases' && req.method === 'GET') {
      if (!need('clerk', 'officer', 'citizen')) return;
      return send(res, 200, { cases: [...cases.values()].map((c) => c.record).reverse(), aggregates: [{ case_type: 'property_transfer', cases: String(cases.size), completed: '0', mean_elapsed_ms: 4500, mean_serial_sum_ms: 6300, mean_trips: 1, mean_materials_pulled: 6 }] });
    }
    let m = /^\/api\/v1\/cases\/([^/]+)(\/events|\/supplement|\/cancel)?$/.exec(p);
    if (m) {
      if (!need('clerk', 'officer', 'citizen')) return;
      const c = cases.get(decodeURIComponent(m[1]));
      if (!c) return error(res, 404, 'NOT_FOUND', `no case ${m[1]}`);
      if (!m[2]) return send(res, 200, c.record);
      if (m[2] === '/events') {
        const after = Number(url.searchParams.get('after_sequence') || 0);
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
        for (const e of c.events) if (Number(e.sequence) > after) res.write(`event: case\nid: ${e.sequence}\ndata: ${JSON.stringify(e)}\n\n`);
        if (c.record.state === 'CASE_STATE_COMPLETED') return res.end('event: end\ndata: {}\n\n');
        if (!subscribers.has(c.record.case_id)) subscribers.set(c.record.case_id, []);
        subscribers.get(c.record.case_id).push(res);
        return;
      }
      return error(res, 400, 'FAILED_PRECONDITION', 'the case does not wait for a material');
    }
    if (p === '/api/v1/me/accesses') {
      if (!need('citizen')) return;
      const r = await proved(entries.map((e, i) => i).filter((i) => entries[i].consumer === 'servicehall'));
      return send(res, 200, { ...r, verifier_key: VERIFIER_KEY });
    }
    if (p === '/api/v1/audit/checkpoint') return need('auditor', 'citizen') && send(res, 200, { checkpoint: await signedCheckpoint(leaves.length), verifier_key: VERIFIER_KEY });
    if (p === '/api/v1/audit/entries') return need('auditor') && send(res, 200, await proved(entries.map((e, i) => i)));
    if (p === '/api/v1/audit/checkpoints') return need('auditor') && send(res, 200, { checkpoints });
    if (p === '/api/v1/audit/consistency') {
      if (!need('auditor')) return;
      const first = Number(url.searchParams.get('first'));
      const second = Number(url.searchParams.get('second')) || leaves.length;
      const proof = first === 0 || first === second ? [] : await subproof(first, leaves.slice(0, second), true);
      return send(res, 200, { old_size: String(first), new_size: String(second), proof: proof.map(toBase64), new_checkpoint: await signedCheckpoint(second), verified: true });
    }
    if (p === '/api/v1/audit/export') {
      if (!need('auditor')) return;
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      return res.end(entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
    }
    if (p === '/api/v1/catalog') {
      if (!need('clerk', 'officer', 'auditor', 'admin')) return;
      return send(res, 200, { departments: [{ id: 'land', name: '不动产登记中心 Real-estate registration center' }, { id: 'tax', name: '税务局 Tax Bureau' }], datasets: [{ id: 'land.property_title', owner: 'land', version: 1, title: '不动产权证书 Real-estate title', share_type: 'SHARE_TYPE_CONDITIONAL', subject_kind: 'SUBJECT_KIND_ANY', update_cycle: 'real time', fields: [{ name: 'certificate_no', type: 'FIELD_TYPE_STRING', sensitivity: 'SENSITIVITY_PERSONAL', masking: 'MASKING_RULE_KEEP_ENDS' }] }] });
    }
    if (p.startsWith('/api/v1/catalog/datasets/')) {
      if (!need('clerk', 'officer', 'auditor', 'admin')) return;
      return send(res, 200, { dataset: { id: 'land.property_title', owner: 'land', version: 1, title: '不动产权证书 Real-estate title', share_type: 'SHARE_TYPE_CONDITIONAL', fields: [{ name: 'certificate_no', type: 'FIELD_TYPE_STRING', sensitivity: 'SENSITIVITY_PERSONAL', masking: 'MASKING_RULE_KEEP_ENDS', description: 'Certificate number' }, { name: 'owners', type: 'FIELD_TYPE_RECORD_LIST', sensitivity: 'SENSITIVITY_SENSITIVE', masking: 'MASKING_RULE_EACH_FIELD', fields: [{ name: 'name', type: 'FIELD_TYPE_STRING', sensitivity: 'SENSITIVITY_PERSONAL', masking: 'MASKING_RULE_NAME' }] }] }, grants: [{ id: 'servicehall-land-title', consumer: 'servicehall', dataset: 'land.property_title', fields: ['certificate_no'], purposes: ['property_transfer.intake'], legal_basis: 'Regulation art. 12' }] });
    }
    if (p === '/api/v1/status') return need('admin', 'auditor') && send(res, 200, { uptime_seconds: 12, sessions: sessions.size, exchange: { reachable: true } });
    return error(res, 404, 'NOT_FOUND', `no route ${req.method} ${p}`);
  } catch (e) {
    return error(res, 500, 'INTERNAL', e.message);
  }
}).listen(port, '127.0.0.1', () => console.log(`mock gateway on http://127.0.0.1:${port}`));
