// One dataset of the catalog [all officials]: schema (fields with type,
// sensitivity and masking, nested sub-fields) and the policy grants on it.

import { h } from '../dom.js';
import { t, tEnum, localTitle } from '../i18n.js';
import * as api from '../api.js';
import { errorBox, badge, table, section, pageHeader, loading } from './common.js';

function fieldRows(fields, depth = 0) {
  const rows = [];
  for (const f of fields || []) {
    rows.push(h('tr', { dataset: { field: f.name } },
      h('td', { class: depth ? 'nested' : '' }, depth ? '↳ ' : '', h('code', f.name)),
      h('td', tEnum(f.type)),
      h('td', badge(f.sensitivity)),
      h('td', tEnum(f.masking || 'MASKING_RULE_UNSPECIFIED')),
      h('td.small', f.description || '')));
    rows.push(...fieldRows(f.fields, depth + 1));
  }
  return rows;
}

export function render(ctx) {
  const id = ctx.params.id;
  const el = h('div.dataset', h('p.back', h('a', { href: '#/catalog' }, `← ${t('cat.back')}`)));
  const body = h('div', pageHeader(id), loading());
  el.append(body);
  let disposed = false;
  (async () => {
    let r;
    try {
      r = await api.get(`catalog/datasets/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!disposed) body.replaceChildren(pageHeader(id), errorBox(err));
      return;
    }
    if (disposed) return;
    const d = (r && r.dataset) || {};
    const grants = (r && r.grants) || [];
    body.replaceChildren(
      pageHeader(`${localTitle(d.title || id)}`, d.description || ''),
      h('dl.kv',
        h('dt', t('cat.col_id')), h('dd', h('code', d.id || id), ' · ', t('cat.version', { v: d.version || 1 })),
        h('dt', t('cat.col_owner')), h('dd', d.owner || ''),
        h('dt', t('cat.col_share')), h('dd', badge(d.share_type)),
        h('dt', t('cat.col_subject')), h('dd', tEnum(d.subject_kind)),
        h('dt', t('cat.col_cycle')), h('dd', d.update_cycle || '')),
      section(t('cat.fields'), table(null,
        [t('cat.col_name'), t('cat.col_type'), t('cat.col_sensitivity'), t('cat.col_masking'), t('cat.col_description')],
        fieldRows(d.fields), { class: 'field-list' })),
      section(t('cat.grants'), grants.length ? table(null,
        [t('cat.col_grant'), t('cat.col_consumer'), t('cat.fields'), t('cat.col_purposes'), t('cat.col_case_type'),
          t('cat.col_validity'), t('cat.col_rate'), t('cat.col_ungranted'), t('cat.col_legal')],
        grants.map((g) => h('tr', { dataset: { grant: g.id } },
          h('td', h('code', g.id)), h('td', g.consumer),
          h('td.small', (g.fields || []).join(', ')),
          h('td.small', (g.purposes || []).join(', ')),
          h('td.small', g.case_type || ''),
          h('td.small', g.not_before || g.not_after ? `${g.not_before || '…'} – ${g.not_after || '…'}` : t('common.unbounded')),
          h('td.small', g.rate_limit && g.rate_limit.per_second ? t('common.per_second', { n: g.rate_limit.per_second }) : t('common.unbounded')),
          h('td.small', tEnum(g.ungranted_fields || 'UNGRANTED_FIELDS_UNSPECIFIED')),
          h('td.small', g.legal_basis || ''))), { class: 'grant-list' }) : h('p.muted', t('cat.no_grants'))));
  })();
  return { el, dispose() { disposed = true; } };
}
