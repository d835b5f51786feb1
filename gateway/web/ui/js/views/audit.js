// Audit console [auditor]: search (subject, consumer, dataset, time) with a
// browser-verified mark per entry, checkpoint history (signatures checked in
// the browser), a consistency check between two checkpoints (the gateway's
// `verified` and the browser's own RFC 9162 check), and an NDJSON export.
// Any other role sees the API's refusal (e.g. "auditor only").

import { h } from '../dom.js';
import { t, tEnum } from '../i18n.js';
import * as api from '../api.js';
import { verifyConsistency } from '../merkle.js';
import { formatMicros, shortHash, localInputToRfc3339 } from '../format.js';
import { errorBox, infoBox, table, field, section, pageHeader, loading, mark } from './common.js';
import { verifyCheckpoint, verifyEntry } from './accesses.js';

export function render(ctx) {
  const el = h('div.audit', pageHeader(t('audit.title')));
  const gate = h('div');
  el.append(gate);
  let disposed = false;
  let verifierKey = '';
  const checkpointsBySize = new Map();

  // ---- search
  const subject = h('input#audit-subject', { autocomplete: 'off', maxlength: '18', spellcheck: 'false' });
  const consumer = h('input#audit-consumer', { autocomplete: 'off' });
  const dataset = h('input#audit-dataset', { autocomplete: 'off' });
  const since = h('input#audit-since', { type: 'datetime-local' });
  const until = h('input#audit-until', { type: 'datetime-local' });
  const results = h('div');
  const exportLink = h('a.btn#audit-export', { href: api.apiUrl('audit/export'), download: 'audit-entries.ndjson' }, t('audit.export'));
  const moreBtn = h('button.btn', { type: 'button', hidden: true }, t('audit.more'));
  let token = '';
  let rows = [];

  function filters() {
    return {
      subject: subject.value.trim(), consumer: consumer.value.trim(), dataset: dataset.value.trim(),
      since: localInputToRfc3339(since.value), until: localInputToRfc3339(until.value),
    };
  }

  function updateExport() {
    exportLink.href = api.apiUrl('audit/export', filters());
  }
  for (const i of [subject, consumer, dataset, since, until]) i.addEventListener('input', updateExport);

  async function search(append) {
    if (!append) {
      token = '';
      rows = [];
      results.replaceChildren(loading());
    }
    let r;
    try {
      r = await api.get('audit/entries', { ...filters(), page_size: 100, page_token: token });
    } catch (err) {
      if (!disposed) results.replaceChildren(errorBox(err));
      return;
    }
    if (disposed) return;
    const cp = await verifyCheckpoint(r.checkpoint, verifierKey);
    for (const pe of (r && r.entries) || []) {
      const e = pe.entry || {};
      const cell = h('td.verify-cell', mark('pending', t('acc.checking')));
      rows.push(h('tr', { dataset: { index: String(pe.index || '0') } },
        h('td.num', String(pe.index || '0')),
        h('td.small', formatMicros(e.time_micros)),
        h('td', e.consumer || ''), h('td', e.on_behalf_of || ''),
        h('td.small', h('code', e.dataset || '')), h('td.small', e.purpose || ''),
        h('td.small', e.case_id ? h('a', { href: `#/cases/${encodeURIComponent(e.case_id)}` }, e.case_id) : ''),
        h('td', h('span.badge', { class: e.decision === 'AUDIT_DECISION_ALLOW' ? 'tone-ok' : 'tone-bad' }, tEnum(e.decision))),
        h('td.small', e.status_code || '', e.reason ? h('div.muted', e.reason) : null),
        cell));
      verifyEntry(pe, cp).then((v) => {
        cell.dataset.verified = v.state;
        cell.replaceChildren(mark(v.state, v.state === 'ok' ? t('acc.verified') : t('acc.failed'), v.reason || undefined));
      });
    }
    token = (r && r.next_page_token) || '';
    moreBtn.hidden = !token;
    results.replaceChildren(rows.length ? table(null,
      [t('audit.col_index'), t('acc.col_time'), t('audit.consumer'), t('acc.col_official'), t('audit.dataset'), t('acc.col_purpose'),
        t('acc.col_case'), t('acc.col_decision'), t('audit.col_status'), t('acc.col_verified')], rows, { class: 'audit-results' })
      : h('p.empty', t('audit.none')));
  }
  moreBtn.addEventListener('click', () => search(true));

  const searchForm = h('form.filters.audit-search', { onsubmit: (e) => { e.preventDefault(); search(false); } },
    field(t('audit.subject'), subject).el, field(t('audit.consumer'), consumer).el, field(t('audit.dataset'), dataset).el,
    field(t('audit.since'), since).el, field(t('audit.until'), until).el,
    h('div.actions', h('button.btn.btn-primary#audit-run', { type: 'submit' }, t('audit.run')), exportLink));

  // ---- checkpoints and consistency
  const cpBox = h('div', loading());
  const firstIn = h('input#cons-first', { type: 'number', min: '0', step: '1', inputmode: 'numeric' });
  const secondIn = h('input#cons-second', { type: 'number', min: '0', step: '1', inputmode: 'numeric' });
  const consResult = h('div#cons-result', { 'aria-live': 'polite' });
  const refreshCp = h('button.btn#cp-refresh', { type: 'button', onclick: () => loadCheckpoints() }, t('cases.refresh'));

  // The published history plus the latest checkpoint (both are valid ends
  // of a consistency check), in increasing tree size.
  async function loadCheckpoints() {
    let r;
    let latest;
    try {
      [r, latest] = await Promise.all([api.get('audit/checkpoints', { page_size: 1000 }), api.get('audit/checkpoint')]);
    } catch (err) {
      cpBox.replaceChildren(errorBox(err));
      return;
    }
    if (disposed) return;
    const cps = ((r && r.checkpoints) || []).slice();
    const latestCp = latest && latest.checkpoint;
    if (latest && latest.verifier_key) verifierKey = latest.verifier_key;
    const latestSize = latestCp ? String(latestCp.tree_size || '0') : '';
    if (latestCp && !cps.some((c) => String(c.tree_size || '0') === latestSize)) cps.push({ ...latestCp, latest: true });
    cps.sort((a, b) => Number(a.tree_size || 0) - Number(b.tree_size || 0));
    checkpointsBySize.clear();
    const rowsCp = [];
    for (const c of cps) {
      const size = String(c.tree_size || '0');
      checkpointsBySize.set(size, c);
      const sigCell = h('td', mark('pending', t('acc.checking')));
      verifyCheckpoint(c, verifierKey).then((v) => {
        sigCell.replaceChildren(v.sig === 'ok' ? mark('ok', t('acc.verified'))
          : v.sig === 'unsupported' ? mark('unsupported', t('acc.sig_gateway')) : mark('fail', t('acc.failed'), v.reason));
      });
      rowsCp.push(h('tr', { dataset: { treeSize: size, latest: String(size === latestSize), published: String(!c.latest) } },
        h('td.num', size, size === latestSize ? h('span.badge.tone-run', { class: 'latest-badge' }, t('audit.latest')) : null),
        h('td', h('code', shortHash(c.root_hash, 16))),
        h('td.small', formatMicros(c.published_at_micros)),
        sigCell,
        h('td', h('input', { type: 'radio', name: 'cp-first', value: size, 'aria-label': `${t('audit.col_first')} ${size}`, onchange: () => { firstIn.value = size; } })),
        h('td', h('input', { type: 'radio', name: 'cp-second', value: size, 'aria-label': `${t('audit.col_second')} ${size}`, onchange: () => { secondIn.value = size; } }))));
    }
    // Default: the newest history checkpoint below the latest, against the latest.
    const sizes = cps.map((c) => String(c.tree_size || '0'));
    const older = sizes.filter((x) => Number(x) < Number(latestSize));
    firstIn.value = older.length ? older[older.length - 1] : '0';
    secondIn.value = latestSize || (sizes.length ? sizes[sizes.length - 1] : '0');
    for (const row of rowsCp) {
      row.querySelector('input[name="cp-first"]').checked = row.dataset.treeSize === firstIn.value;
      row.querySelector('input[name="cp-second"]').checked = row.dataset.treeSize === secondIn.value;
    }
    cpBox.replaceChildren(cps.length ? table(null,
      [t('audit.col_size'), t('audit.col_root'), t('audit.col_published'), t('audit.col_signature'), t('audit.col_first'), t('audit.col_second')],
      rowsCp, { class: 'checkpoint-list', dataset: { history: String(((r && r.checkpoints) || []).length) } }) : h('p.empty', t('common.none')));
  }

  async function checkConsistency(e) {
    e.preventDefault();
    consResult.replaceChildren(loading());
    delete consResult.dataset.verified;
    const first = firstIn.value.trim();
    const second = secondIn.value.trim();
    let r;
    try {
      r = await api.get('audit/consistency', { first, second });
    } catch (err) {
      consResult.replaceChildren(errorBox(err));
      consResult.dataset.verified = 'error';
      return;
    }
    if (r && r.verifier_key) verifierKey = r.verifier_key;
    const oldSize = String(r.old_size || first || '0');
    const newSize = String(r.new_size || second || '0');
    const gw = r.verified === true;
    // The browser's own check: both checkpoints' signatures, then the proof
    // between the roots their notes state.
    const emptyRoot = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; // SHA-256("")
    const oldCp = r.old_checkpoint || checkpointsBySize.get(oldSize);
    const newCp = r.new_checkpoint || checkpointsBySize.get(newSize);
    let browser = { state: 'unsupported', text: t('audit.not_checked') };
    const oldV = oldSize === '0' ? { sig: 'ok', root: emptyRoot } : oldCp ? await verifyCheckpoint(oldCp, verifierKey) : null;
    const newV = newCp ? await verifyCheckpoint(newCp, verifierKey) : null;
    if (oldV && newV) {
      if (oldV.sig === 'fail' || newV.sig === 'fail') {
        browser = { state: 'fail', text: `${t('acc.no')}: ${oldV.reason || newV.reason}` };
      } else {
        const v = await verifyConsistency(oldSize, newSize, oldV.root, newV.root, r.proof || []);
        browser = { state: v.ok ? 'ok' : 'fail', text: v.ok ? t('acc.yes') : `${t('acc.no')}: ${v.reason}` };
      }
    }
    const good = gw && browser.state !== 'fail';
    consResult.replaceChildren(
      infoBox(good ? t('audit.consistent', { first: oldSize, second: newSize }) : t('audit.inconsistent', { first: oldSize, second: newSize }), good ? 'ok' : 'error'),
      h('p', { dataset: { gatewayVerified: String(gw) } }, mark(gw ? 'ok' : 'fail', t('audit.gateway_check', { v: gw ? t('acc.yes') : `${t('acc.no')}${r.verify_error ? `: ${r.verify_error}` : ''}` }))),
      h('p', { dataset: { browserVerified: browser.state } }, mark(browser.state, t('audit.browser_check', { v: browser.text }))),
      h('p.small.muted', t('audit.proof_size', { n: (r.proof || []).length })));
    consResult.dataset.verified = String(good);
    consResult.dataset.browser = browser.state;
  }

  const consForm = h('form.inline-form#cons-form', { onsubmit: checkConsistency },
    field(t('audit.first'), firstIn).el, field(t('audit.second'), secondIn).el,
    h('div.actions', h('button.btn.btn-primary#cons-check', { type: 'submit' }, t('audit.check'))));

  (async () => {
    // The latest checkpoint answers the role question first: a non-auditor
    // sees the API's refusal and nothing else.
    try {
      const cp = await api.get('audit/checkpoint');
      verifierKey = (cp && cp.verifier_key) || '';
    } catch (err) {
      if (!disposed) gate.replaceChildren(errorBox(err, ctx.roles ? h('p.small', t('err.role_hint', { roles: ctx.roles.map((r) => t(`role.${r}`)).join(', ') })) : null));
      return;
    }
    if (disposed) return;
    // The search is allowed for the auditor only; the checkpoint call above
    // is also open to citizens, so probe the search before drawing forms.
    try {
      await api.get('audit/entries', { page_size: 1 });
    } catch (err) {
      if (!disposed) gate.replaceChildren(errorBox(err, ctx.roles ? h('p.small', t('err.role_hint', { roles: ctx.roles.map((r) => t(`role.${r}`)).join(', ') })) : null));
      return;
    }
    if (disposed) return;
    gate.replaceChildren(
      section(t('audit.search'), searchForm, results, h('div.actions', moreBtn)),
      h('div.two-col',
        section(t('audit.checkpoints'), h('p.small.muted', `${t('audit.verifier_key')}: `, h('code.break', verifierKey)), cpBox, h('div.actions', refreshCp)),
        section(t('audit.consistency'), h('p.muted', t('audit.consistency_desc')), consForm, consResult)));
    updateExport();
    loadCheckpoints();
    search(false);
  })();

  return { el, dispose() { disposed = true; } };
}
