// Case list [clerk, officer; citizen: own cases]: filters by type, state and
// (officials) party, newest first, per-type aggregates (elapsed vs serial
// time, trips). A citizen's list is every case they are a party to.

import { h } from '../dom.js';
import { t, localTitle } from '../i18n.js';
import * as api from '../api.js';
import { formatMicros, maskSubject } from '../format.js';
import { formatDuration } from '../timeline.js';
import { errorBox, badge, table, field, section, pageHeader, loading, partyLabel } from './common.js';

const STATES = ['CASE_STATE_RUNNING', 'CASE_STATE_WAITING', 'CASE_STATE_COMPLETED', 'CASE_STATE_REJECTED',
  'CASE_STATE_FAILED', 'CASE_STATE_CANCELLED'];

export function render(ctx) {
  const citizen = ctx.user && ctx.user.role === 'citizen';
  const el = h('div.cases', pageHeader(citizen ? t('cases.my_title') : t('cases.title')));
  const status = h('div.form-status', { 'aria-live': 'polite' });
  const listBox = h('div', loading());
  const aggBox = h('div');
  const typeSel = h('select#filter-type', h('option', { value: '' }, t('cases.all')));
  const stateSel = h('select#filter-state', h('option', { value: '' }, t('cases.all')),
    STATES.map((s) => h('option', { value: s }, badge(s).textContent)));
  // Officials: the cases of one person or organisation (?party=).
  const partyIn = citizen ? null
    : h('input#filter-party', { autocomplete: 'off', maxlength: '18', spellcheck: 'false' });
  const moreBtn = h('button.btn', { type: 'button', hidden: true }, t('cases.more'));
  let token = '';
  let disposed = false;
  const typeTitles = new Map();
  const rowsBody = [];

  function row(c) {
    const parties = (c.parties || []).map((p) => `${partyLabel(p.role)}: ${maskSubject(p.subject)}`).join(', ');
    const elapsed = c.metrics && c.metrics.elapsed_ms ? formatDuration(c.metrics.elapsed_ms) : '';
    return h('tr', { dataset: { caseId: c.case_id, state: c.state || '' } },
      h('td', h('a', { href: `#/cases/${encodeURIComponent(c.case_id)}` }, c.case_id)),
      h('td', localTitle(typeTitles.get(c.case_type) || c.case_type)),
      h('td', badge(c.state)),
      h('td', formatMicros(c.submitted_at_micros)),
      h('td.small', parties),
      h('td.num', elapsed));
  }

  function renderAggregates(aggs) {
    if (!aggs || aggs.length === 0) {
      aggBox.replaceChildren();
      return;
    }
    aggBox.replaceChildren(section(t('cases.aggregates'), table(null,
      [t('cases.col_type'), t('cases.agg_cases'), t('cases.agg_completed'), t('cases.agg_elapsed'), t('cases.agg_serial'),
        t('cases.agg_trips'), t('cases.agg_pulled')],
      aggs.map((a) => h('tr',
        h('td', localTitle(typeTitles.get(a.case_type) || a.case_type)),
        h('td.num', String(a.cases || 0)), h('td.num', String(a.completed || 0)),
        h('td.num', formatDuration(a.mean_elapsed_ms || 0)), h('td.num', formatDuration(a.mean_serial_sum_ms || 0)),
        h('td.num', Number(a.mean_trips || 0).toFixed(2)), h('td.num', Number(a.mean_materials_pulled || 0).toFixed(1)))))));
  }

  async function load(append) {
    status.replaceChildren();
    if (!append) {
      token = '';
      rowsBody.length = 0;
      listBox.replaceChildren(loading());
    }
    try {
      const r = await api.get('cases', {
        case_type: typeSel.value, state: stateSel.value, party: partyIn ? partyIn.value.trim() : '',
        page_size: 50, page_token: token,
      });
      if (disposed) return;
      const cases = (r && r.cases) || [];
      for (const c of cases) rowsBody.push(row(c));
      token = (r && r.next_page_token) || '';
      moreBtn.hidden = !token;
      listBox.replaceChildren(rowsBody.length ? table(null,
        [t('cases.col_id'), t('cases.col_type'), t('cases.col_state'), t('cases.col_submitted'), t('cases.col_parties'), t('cases.col_elapsed')],
        rowsBody, { class: 'case-list' }) : h('p.empty', t('cases.none')));
      if (!append) renderAggregates(r && r.aggregates);
    } catch (err) {
      if (!disposed) listBox.replaceChildren(errorBox(err));
    }
  }
  moreBtn.addEventListener('click', () => load(true));

  (async () => {
    try {
      const r = await api.get('case-types');
      for (const ct of (r && r.case_types) || []) {
        typeTitles.set(ct.id, ct.title);
        typeSel.appendChild(h('option', { value: ct.id }, localTitle(ct.title)));
      }
    } catch (err) {
      // The list still works with raw type ids.
    }
    if (!disposed) load(false);
  })();

  el.append(
    h('form.filters', { onsubmit: (e) => { e.preventDefault(); load(false); } },
      field(t('cases.filter_type'), typeSel).el,
      field(t('cases.filter_state'), stateSel).el,
      partyIn ? field(t('cases.filter_party'), partyIn, t('cases.filter_party_hint')).el : null,
      h('div.actions', h('button.btn', { type: 'submit' }, t('cases.refresh')))),
    status, listBox, h('div.actions', moreBtn), aggBox);
  typeSel.addEventListener('change', () => load(false));
  stateSel.addEventListener('change', () => load(false));
  return { el, dispose() { disposed = true; } };
}
