// Gateway status [admin, auditor]: uptime, sessions, request counters,
// exchange reachability, shown as the nested key/value list the API gives.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { errorBox, pageHeader, loading } from './common.js';

function kv(obj) {
  if (obj === null || typeof obj !== 'object') return h('span', String(obj));
  if (Array.isArray(obj)) return h('ul', obj.map((x) => h('li', kv(x))));
  return h('dl.kv', Object.entries(obj).flatMap(([k, v]) => [h('dt', k), h('dd', kv(v))]));
}

export function render(ctx) {
  const el = h('div.status', pageHeader(t('status.title')));
  const body = h('div', loading());
  el.append(body);
  let disposed = false;
  api.get('status').then((r) => {
    if (!disposed) body.replaceChildren(h('div.panel', kv(r || {})));
  }, (err) => {
    if (!disposed) body.replaceChildren(errorBox(err));
  });
  return { el, dispose() { disposed = true; } };
}
