// "Who read my data" [citizen]: every access to the signed-in subject's
// data (department, official, purpose, case, time, allowed or denied), each
// with a verified mark this page computes itself:
//   1. the checkpoint note's Ed25519 signature against verifier_key
//      (WebCrypto; "signature checked by gateway" where the browser lacks
//      Ed25519), and that tree_size/root_hash are the note's own;
//   2. the entry's RFC 9162 inclusion proof against that root;
//   3. that the entry shown re-serializes to its leaf hash.
// The gateway's own `gateway_verified` is shown beside it. `?entry=K` in
// the route (the case tracker's audit links) marks entry K when it is shown.

import { h } from '../dom.js';
import { t, tEnum } from '../i18n.js';
import * as api from '../api.js';
import { verifyInclusion } from '../merkle.js';
import { verifyNote, checkpointMatches } from '../note.js';
import { entryMatchesLeaf } from '../audit_entry_pb.js';
import { formatMicros, shortHash } from '../format.js';
import { errorBox, infoBox, table, pageHeader, loading, mark } from './common.js';

// Verifies one page's checkpoint. Returns {sig: 'ok'|'fail'|'unsupported',
// reason, root (base64), size}.
export async function verifyCheckpoint(checkpoint, verifierKey) {
  if (!checkpoint || !checkpoint.note) return { sig: 'fail', reason: 'no checkpoint' };
  const r = await verifyNote(checkpoint.note, verifierKey);
  if (r.status === 'failed') return { sig: 'fail', reason: r.reason };
  if (!checkpointMatches(r.checkpoint, checkpoint.tree_size || '0', checkpoint.root_hash || '')) {
    return { sig: 'fail', reason: 'tree_size/root_hash differ from the signed note' };
  }
  return {
    sig: r.status === 'verified' ? 'ok' : 'unsupported',
    reason: '',
    root: r.checkpoint.rootHash,
    size: r.checkpoint.treeSize,
  };
}

// Verifies one ProvedEntry against a verified checkpoint: 'ok' or 'fail'
// with the reason.
export async function verifyEntry(pe, cp) {
  if (cp.sig === 'fail') return { state: 'fail', reason: cp.reason };
  let r;
  try {
    r = await verifyInclusion(pe.index || '0', cp.size, pe.leaf_hash || '', pe.inclusion_proof || [], cp.root);
  } catch (e) {
    return { state: 'fail', reason: e.message };
  }
  if (!r.ok) return { state: 'fail', reason: r.reason };
  if (!(await entryMatchesLeaf(pe.entry || {}, pe.leaf_hash || ''))) {
    return { state: 'fail', reason: t('acc.entry_mismatch') };
  }
  return { state: 'ok', reason: '' };
}

function deptName(id) {
  return id || '';
}

export function render() {
  const el = h('div.accesses', pageHeader(t('acc.title'), t('acc.intro')));
  const cpBox = h('div.checkpoint-box');
  const summary = h('p.summary#acc-summary', { 'aria-live': 'polite' });
  const listBox = h('div', loading());
  const moreBtn = h('button.btn', { type: 'button', hidden: true }, t('acc.more'));
  el.append(cpBox, summary, listBox, h('div.actions', moreBtn));
  const rows = [];
  let total = 0;
  let okCount = 0;
  let token = '';
  let disposed = false;
  // #/me/accesses?entry=K (a case tracker's audit link): mark entry K.
  const wanted = new URLSearchParams((location.hash.split('?')[1]) || '').get('entry') || '';

  function updateSummary() {
    summary.textContent = t('acc.summary', { n: total, ok: okCount });
    summary.dataset.total = String(total);
    summary.dataset.verified = String(okCount);
  }

  async function loadPage() {
    let r;
    try {
      r = await api.get('me/accesses', { page_size: 50, page_token: token });
    } catch (err) {
      if (!disposed) listBox.replaceChildren(errorBox(err));
      return;
    }
    if (disposed) return;
    const cp = await verifyCheckpoint(r.checkpoint, r.verifier_key);
    const keyName = String(r.verifier_key || '').split('+')[0];
    cpBox.append(h('div.checkpoint', { dataset: { signature: cp.sig, treeSize: String((r.checkpoint && r.checkpoint.tree_size) || '') } },
      h('p', t('acc.checkpoint', { size: (r.checkpoint && r.checkpoint.tree_size) || 0, root: shortHash(r.checkpoint && r.checkpoint.root_hash, 16) })),
      cp.sig === 'ok' ? mark('ok', t('acc.sig_verified', { key: keyName }))
        : cp.sig === 'unsupported' ? mark('unsupported', t('acc.sig_gateway'))
          : mark('fail', t('acc.sig_failed', { reason: cp.reason })),
      r.checkpoint_verified === undefined ? null
        : h('div.small.muted', { dataset: { gatewayVerified: String(r.checkpoint_verified) } },
          t('acc.gateway_verified', { v: r.checkpoint_verified ? t('acc.yes') : t('acc.no') }))));
    const entries = (r && r.entries) || [];
    for (const pe of entries) {
      const e = pe.entry || {};
      const allowed = e.decision === 'AUDIT_DECISION_ALLOW';
      const cell = h('td.verify-cell', mark('pending', t('acc.checking')));
      const gw = pe.gateway_verified;
      const fields = [...(e.fields_released || []), ...(e.fields_masked || []).map((f) => `${f} (${t('acc.masked')})`)];
      const row = h('tr', { dataset: { index: String(pe.index || '0'), decision: e.decision || '' } },
        h('td.small', formatMicros(e.time_micros)),
        h('td', deptName(e.consumer)),
        h('td', e.on_behalf_of || ''),
        h('td.small', e.purpose || ''),
        h('td.small', e.case_id ? h('a', { href: `#/cases/${encodeURIComponent(e.case_id)}` }, e.case_id) : ''),
        h('td.small', h('code', e.dataset || ''), e.owner ? h('div.muted', e.owner) : null,
          fields.length ? h('div.muted', `${t('acc.fields')}: ${fields.join(', ')}`) : null),
        h('td', h('span.badge', { class: allowed ? 'tone-ok' : 'tone-bad' }, allowed ? t('acc.allowed') : t('acc.denied')),
          e.status_code && e.status_code !== 'OK' ? h('div.small.muted', e.status_code) : null,
          e.reason ? h('div.small.muted', e.reason) : null),
        cell);
      rows.push(row);
      total += 1;
      verifyEntry(pe, cp).then((v) => {
        if (disposed) return;
        if (v.state === 'ok') okCount += 1;
        cell.replaceChildren(
          mark(v.state, v.state === 'ok' ? t('acc.verified') : t('acc.failed'), v.reason || undefined),
          h('div.small.muted.gw', { dataset: { gatewayVerified: String(gw) }, title: pe.verify_error || undefined },
            t('acc.gateway_verified', { v: gw === true ? t('acc.yes') : gw === false ? `${t('acc.no')}${pe.verify_error ? `: ${pe.verify_error}` : ''}` : '—' })));
        cell.dataset.verified = v.state;
        updateSummary();
      });
    }
    token = (r && r.next_page_token) || '';
    moreBtn.hidden = !token;
    if (wanted) {
      const row = rows.find((x) => x.dataset.index === wanted);
      if (row) {
        row.classList.add('highlight');
        row.setAttribute('aria-current', 'true');
        requestAnimationFrame(() => row.scrollIntoView({ block: 'center' }));
      }
    }
    listBox.replaceChildren(rows.length ? table(null,
      [t('acc.col_time'), t('acc.col_department'), t('acc.col_official'), t('acc.col_purpose'), t('acc.col_case'),
        t('acc.col_data'), t('acc.col_decision'), t('acc.col_verified')], rows, { class: 'access-list' })
      : h('p.empty', t('acc.none')));
    updateSummary();
  }
  moreBtn.addEventListener('click', loadPage);
  if (!(globalThis.crypto && globalThis.crypto.subtle)) {
    el.insertBefore(infoBox(t('err.webcrypto'), 'error'), cpBox);
  }
  loadPage();
  return { el, dispose() { disposed = true; } };
}
