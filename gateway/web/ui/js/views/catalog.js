// Catalog browser [all officials]: departments and the datasets they share
// (owner, share type, subject kind, update cycle), filterable; a dataset
// opens its fields and grants (#/catalog/<id>).

import { h } from '../dom.js';
import { t, localTitle } from '../i18n.js';
import * as api from '../api.js';
import { errorBox, badge, table, field, section, pageHeader, loading } from './common.js';

export function render() {
  const el = h('div.catalog', pageHeader(t('cat.title')));
  const body = h('div', loading());
  el.append(body);
  let disposed = false;

  (async () => {
    let r;
    try {
      r = await api.get('catalog');
    } catch (err) {
      if (!disposed) body.replaceChildren(errorBox(err));
      return;
    }
    if (disposed) return;
    const datasets = (r && r.datasets) || [];
    const departments = (r && r.departments) || [];
    const deptName = new Map(departments.map((d) => [d.id, d.name || d.id]));
    const counts = new Map();
    for (const d of datasets) counts.set(d.owner, (counts.get(d.owner) || 0) + 1);

    const deptSel = h('select#cat-dept', h('option', { value: '' }, t('cat.all_departments')),
      departments.map((d) => h('option', { value: d.id }, `${localTitle(d.name || d.id)} (${d.id})`)));
    const filter = h('input#cat-filter', { type: 'search', placeholder: t('cat.filter_ph') });
    const listBox = h('div');

    function draw() {
      const q = filter.value.trim().toLowerCase();
      const owner = deptSel.value;
      const shown = datasets.filter((d) => (!owner || d.owner === owner) &&
        (!q || `${d.id} ${d.title || ''} ${d.description || ''}`.toLowerCase().includes(q)));
      listBox.replaceChildren(table(null,
        [t('cat.col_id'), t('cat.col_title'), t('cat.col_owner'), t('cat.col_share'), t('cat.col_subject'), t('cat.col_cycle'), t('cat.col_fields')],
        shown.map((d) => h('tr', { dataset: { dataset: d.id } },
          h('td', h('a', { href: `#/catalog/${encodeURIComponent(d.id)}` }, h('code', d.id))),
          h('td', localTitle(d.title || ''), d.description ? h('div.small.muted', d.description) : null),
          h('td', localTitle(deptName.get(d.owner) || d.owner)),
          h('td', badge(d.share_type)),
          h('td', badge(d.subject_kind)),
          h('td.small', d.update_cycle || ''),
          h('td.num', String((d.fields || []).length)))), { class: 'dataset-list' }));
    }
    deptSel.addEventListener('change', draw);
    filter.addEventListener('input', draw);

    const deptList = h('ul.dept-list', departments.map((d) => h('li', { dataset: { department: d.id } },
      h('button.linkish', { type: 'button', onclick: () => { deptSel.value = d.id; draw(); } },
        h('strong', localTitle(d.name || d.id)), ' ', h('code', d.id), ' ', h('span.count', `(${counts.get(d.id) || 0})`)),
      (d.local_ids || []).length ? h('div.small.muted', `${t('cat.local_ids')}: ${(d.local_ids || []).map((x) => x.kind).join(', ')}`) : null)));

    body.replaceChildren(h('div.catalog-grid',
      section(t('cat.departments'), deptList),
      section(t('cat.datasets'), h('div.filters', field(t('cat.col_owner'), deptSel).el, field(t('cat.filter'), filter).el), listBox)));
    draw();
  })();
  return { el, dispose() { disposed = true; } };
}
