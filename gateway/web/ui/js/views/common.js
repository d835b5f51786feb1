// Building blocks shared by the views: error boxes, badges, tables, form
// fields, sections.

import { h, uid } from '../dom.js';
import { t, tEnum } from '../i18n.js';
import { describeError } from '../errors.js';

// An alert box for an API or network error: localized headline, then the
// server's message (which names the rule, e.g. "auditor only").
export function errorBox(err, extra) {
  const d = describeError(err, t);
  return h('div.alert.alert-error', { role: 'alert', dataset: { status: String(d.status), code: d.code } },
    h('strong.alert-title', d.status ? `${d.headline} (${d.status})` : d.headline),
    h('p.alert-detail', d.detail),
    extra || null);
}

export function infoBox(text, kind = 'info') {
  return h(`div.alert.alert-${kind}`, { role: 'status' }, text);
}

// Colour class of a state/status enum value.
export function toneOf(value) {
  const v = String(value || '');
  if (/APPROVED|COMPLETED|PULLED|ALLOW|UNCONDITIONAL|PUBLIC/.test(v)) return 'ok';
  if (/REJECTED|FAILED|DENY|MISSING_REQUIRED|NOT_SHARED|SENSITIVE/.test(v)) return 'bad';
  if (/WAITING|DEFERRABLE|TO_PROVIDE|CONDITIONAL|PERSONAL/.test(v)) return 'warn';
  if (/RUNNING|ISSUED/.test(v)) return 'run';
  return 'neutral';
}

// A badge showing a proto enum value's label.
export function badge(value, text) {
  return h('span.badge', { class: `tone-${toneOf(value)}`, dataset: { value: String(value || '') } },
    text || tEnum(value));
}

// A <table> with a caption (visually shown), header labels and rows of cells.
export function table(caption, headers, rows, attrs = {}) {
  return h('div.table-wrap', h('table', attrs,
    caption ? h('caption', caption) : null,
    h('thead', h('tr', headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', rows)));
}

// A labelled form control: returns {el, input}.
export function field(label, input, hint) {
  const id = input.id || uid();
  input.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  const el = h('div.field', h('label', { for: id }, label), input, hint ? h('small.hint', { id: hintId }, hint) : null);
  return { el, input };
}

export function section(title, ...children) {
  const id = uid('sec');
  return h('section.panel', { 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

export function pageHeader(title, intro) {
  return h('div.page-header', h('h1', { tabindex: '-1' }, title), intro ? h('p.intro', intro) : null);
}

// A verification mark: state 'ok' | 'fail' | 'pending' | 'unsupported'.
export function mark(state, label, titleText) {
  const sym = { ok: '✔', fail: '✘', pending: '…', unsupported: '–' }[state] || '?';
  return h('span.mark', { class: `mark-${state}`, title: titleText || label, dataset: { verified: state } },
    h('span', { 'aria-hidden': 'true' }, sym), ' ', label);
}

export function loading() {
  return h('p.loading', { role: 'status' }, t('app.loading'));
}

// Label of a party role ("卖方" / "Seller"); unknown roles as they are.
export function partyLabel(role) {
  const key = `party.${role}`;
  const label = t(key);
  return label === key ? role : label;
}
