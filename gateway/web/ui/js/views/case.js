// One case as a live timeline [clerk, officer, citizen-if-party]: the
// CaseRecord, then the case's events over server-sent events
// (GET /api/v1/cases/{id}/events, reconnecting with after_sequence), drawn
// as bars on a time axis so parallel reviews overlap visibly; the join,
// supplement requests (with a Supplement form for clerks), the result and
// the metrics (elapsed vs serial sum, critical path, trips, materials).
// The events list groups the material events: the submission check once per
// material (held / not held / deferred) and, per step, what its department
// read (dataset, grant, audit entry; a citizen's audit entry links to "who
// read my data").

import { h } from '../dom.js';
import { t, tEnum, localTitle } from '../i18n.js';
import * as api from '../api.js';
import { ApiError, parseErrorBody } from '../errors.js';
import { formatMicros, maskSubject } from '../format.js';
import {
  modelFromRecord, applyEvent, layout, formatDuration, summarizeMetrics, isFinishedCase,
} from '../timeline.js';
import { groupMaterialEvents, eventItems } from '../material_events.js';
import { errorBox, infoBox, badge, table, field, section, pageHeader, loading, partyLabel } from './common.js';

const LANE_H = 34;
const AXIS_H = 30;
const TOP = 24;
const REFRESH_KINDS = new Set(['CASE_EVENT_KIND_STEP_FINISHED', 'CASE_EVENT_KIND_FINISHED', 'CASE_EVENT_KIND_WAITING',
  'CASE_EVENT_KIND_SUPPLEMENTED', 'CASE_EVENT_KIND_MATERIAL_PULLED', 'CASE_EVENT_KIND_RESUMED']);

function svgTimeline(model, width) {
  const labelWidth = Math.min(280, Math.max(110, Math.round(width * 0.28)));
  const maxChars = Math.max(4, Math.floor((labelWidth - 10) / 13));
  const nowMicros = Math.max(Date.now() * 1000, ...model.events.map((e) => Number(e.at_micros) || 0));
  const l = layout(model, { width: width - 16, labelWidth, nowMicros });
  const height = TOP + model.steps.length * LANE_H + AXIS_H;
  const laneY = (lane) => TOP + lane * LANE_H;
  const kids = [];
  // Grid and axis.
  for (const tk of l.ticks) {
    kids.push(h('line.tl-grid', { x1: tk.x, x2: tk.x, y1: TOP - 6, y2: height - AXIS_H + 4 }));
    kids.push(h('text.tl-tick', { x: tk.x, y: height - AXIS_H + 18, 'text-anchor': 'middle' }, tk.label));
  }
  kids.push(h('text.tl-axis-label', { x: width - 16, y: height - 2, 'text-anchor': 'end' }, t('case.axis')));
  // Lanes and bars.
  for (const b of l.bars) {
    const y = laneY(b.lane);
    const title = localTitle(b.title);
    kids.push(h('rect.tl-lane', { x: 0, y, width: width - 16, height: LANE_H, class: b.lane % 2 ? 'odd' : 'even' }));
    kids.push(h('text.tl-label', { x: 6, y: y + 15 }, title.length > maxChars ? `${title.slice(0, maxChars - 1)}…` : title));
    kids.push(h('text.tl-dept', { x: 6, y: y + 28 }, `${b.department} · ${tEnum(b.state)}`));
    if (b.started) {
      const dur = b.endMs !== null && b.startMs !== null ? b.endMs - b.startMs : 0;
      kids.push(h('rect.tl-bar', {
        x: b.x, y: y + 7, width: Math.max(2, b.w), height: LANE_H - 14, rx: 3,
        class: [`st-${(b.state || '').replace('STEP_STATE_', '').toLowerCase()}`, b.open ? 'open' : ''],
        dataset: { step: b.step, state: b.state, startMs: String(Math.round(b.startMs)), endMs: b.endMs === null ? '' : String(Math.round(b.endMs)) },
      }, h('title', `${title} (${b.department}): ${tEnum(b.state)}, ${formatDuration(dur)}${b.reason ? ` — ${b.reason}` : ''}`)));
      const label = formatDuration(dur);
      const inside = b.w > 70;
      kids.push(h('text.tl-dur', { x: inside ? b.x + 6 : b.x + b.w + 4, y: y + LANE_H / 2 + 4, class: inside ? 'inside' : '' }, label));
    }
  }
  // Joins: connectors from each predecessor's end to the join step's start.
  for (const j of l.joins) {
    if (j.x === null) continue;
    const yTo = laneY(j.lane) + LANE_H / 2;
    for (const f of j.from) {
      if (f.x === null) continue;
      const yFrom = laneY(f.lane) + LANE_H / 2;
      kids.push(h('path.tl-join', { d: `M${f.x},${yFrom} H${Math.max(f.x, j.x - 4)} V${yTo} H${j.x}` }));
    }
    kids.push(h('text.tl-join-label', { x: j.x, y: laneY(j.lane) + 5, 'text-anchor': 'end' }, '⋈'));
  }
  // Waiting, supplement and finish markers.
  for (const mk of l.markers) {
    kids.push(h('line', { class: `tl-marker tl-${mk.kind}`, x1: mk.x, x2: mk.x, y1: TOP - 8, y2: height - AXIS_H }));
    const finish = mk.kind === 'finish';
    kids.push(h('text', {
      class: `tl-marker-label tl-${mk.kind}`, x: finish ? mk.x - 3 : mk.x + 3, y: TOP - 10,
      'text-anchor': finish ? 'end' : 'start',
    }, finish ? tEnum(mk.label) : mk.label));
  }
  const svg = h('svg.timeline', {
    viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `${t('case.timeline')}: ${t('case.parallel', { n: l.maxParallel })}`,
    dataset: { maxParallel: String(l.maxParallel), overlaps: String(l.overlapping.length), spanMs: String(Math.round(l.spanMs)) },
  }, kids);
  return { svg, l };
}

function metricsPanel(record) {
  const s = summarizeMetrics(record.metrics);
  const max = Math.max(s.elapsedMs, s.serialSumMs, 1);
  const bar = (cls, ms) => {
    const fill = h(`div.mbar-fill.${cls}`);
    fill.style.width = `${Math.max(1, (ms / max) * 100)}%`;
    return h('div.mbar', fill);
  };
  const item = (key, value, extra) => h('div.metric', { dataset: { metric: key } },
    h('dt', t(`case.m_${key}`)), h('dd', value), extra || null);
  return h('div.metrics-wrap',
    h('dl.metrics',
      item('elapsed', formatDuration(s.elapsedMs), bar('elapsed', s.elapsedMs)),
      item('serial', formatDuration(s.serialSumMs), bar('serial', s.serialSumMs)),
      item('critical', formatDuration(s.criticalPathMs)),
      item('trips', String(s.trips)),
      item('pulled', String(s.pulled)),
      item('uploaded', String(s.uploaded))),
    s.speedup && s.speedup > 1.05 && isFinishedCase(record.state)
      ? h('p.speedup', t('case.m_speedup', { x: s.speedup.toFixed(1) })) : null);
}

export function render(ctx) {
  const id = ctx.params.id;
  const isClerk = ctx.user && ctx.user.role === 'clerk';
  const el = h('div.case');
  const head = h('div', pageHeader(t('case.title', { id })));
  const conn = h('span.conn', { role: 'status', 'aria-live': 'polite' });
  const body = h('div', loading());
  el.append(h('p.back', h('a', { href: '#/cases' }, `← ${t('case.back')}`)), head, body);

  let model = null;
  let record = null;
  let caseType = null;
  let es = null;
  let ended = false;
  let disposed = false;
  let streamSeq = 0;
  let backoff = 1000;
  let reconnectTimer = null;
  let refreshTimer = null;
  let tick = null;
  let lastWidth = 0;

  const timelineBox = h('div.timeline-box');
  const timelineInfo = h('p.timeline-info');
  const metricsBox = h('div');
  const materialsBox = h('div');
  const stepsBox = h('div');
  const eventsBox = h('ol.events');
  const actionsBox = h('div');
  const headerInfo = h('div.case-head');
  const resultBox = h('div');
  const watchError = h('div');

  function drawTimeline() {
    if (!model) return;
    const width = Math.max(320, Math.floor(timelineBox.clientWidth || 900));
    lastWidth = width;
    const { svg, l } = svgTimeline(model, width);
    timelineBox.replaceChildren(svg);
    const joins = l.joins.map((j) => t('case.join', { steps: j.from.map((f) => f.step).join(', ') }));
    timelineInfo.replaceChildren(
      h('span.parallel', { dataset: { maxParallel: String(l.maxParallel) } }, t('case.parallel', { n: l.maxParallel })),
      joins.length ? h('span.muted', ` · ${joins.join(' · ')}`) : null);
  }

  function materialTitle(id) {
    const tm = caseType && (caseType.materials || []).find((x) => x.id === id);
    return tm ? localTitle(tm.title) : id;
  }

  // Titles of `ids`, with the id added where two would read the same
  // (the buyer's and the seller's copy of one kind of document).
  function materialTitles(ids) {
    const titles = ids.map(materialTitle);
    return titles.map((x, i) => (titles.indexOf(x) !== titles.lastIndexOf(x) ? `${x} (${ids[i]})` : x));
  }

  function stepTitle(id) {
    const ts = caseType && (caseType.steps || []).find((x) => x.id === id);
    return ts ? localTitle(ts.title) : id;
  }

  function auditRef(n) {
    if (n === null) return null;
    const label = t('case.read_audit', { n });
    // "Who read my data" lists the signed-in citizen's own accesses.
    return ctx.user && ctx.user.role === 'citizen'
      ? h('a.audit-ref', { href: `#/me/accesses?entry=${n}`, title: t('case.read_audit_link'), dataset: { entry: String(n) } }, label)
      : h('span.audit-ref', { dataset: { entry: String(n) } }, label);
  }

  function checksItem(groups) {
    const outcomeTone = { held: 'ok', not_held: 'bad', deferred: 'warn' };
    const first = groups.checks.reduce((a, c) => (a && a.seq <= c.seq ? a : c), null);
    const checkTitles = materialTitles(groups.checks.map((c) => c.material));
    return h('li.ev-group', { dataset: { kind: 'material-checks', seq: String(first ? first.seq : 0) } },
      h('span.ev-time', formatMicros(first ? first.at : 0)), ' ',
      h('span.ev-kind', t('case.checks_title', { n: groups.checks.length })),
      h('div.small.muted', t('case.checks_desc', { who: (record && record.submitted_by) || '' })),
      h('ul.mat-list.mat-checks', groups.checks.map((c, i) => h('li', { dataset: { material: c.material, outcome: c.outcome } },
        h('span.mat-name', { title: c.material }, checkTitles[i]), ' ',
        h('span.badge', { class: `tone-${outcomeTone[c.outcome]}` }, t(`case.outcome_${c.outcome}`)), ' ',
        h('span.small.muted', c.ok ? `${c.owner} · ${c.dataset}` : c.why)))));
  }

  function readsItem(step, reads) {
    const s = model.steps.find((x) => x.step === step);
    const department = (reads.find((r) => r.department) || {}).department || (s && s.department) || '';
    const readTitles = materialTitles(reads.map((r) => r.material));
    return h('li.ev-group', { dataset: { kind: 'step-reads', step, department } },
      h('span.ev-time', formatMicros(reads[0].at)), ' ',
      h('span.ev-kind', t('case.reads_title', { department, step: stepTitle(step), n: reads.length })),
      h('ul.mat-list.mat-reads', reads.map((r, i) => h('li', {
        dataset: {
          material: r.material, ok: String(r.ok), department: r.department, dataset: r.dataset, grant: r.grant,
          auditEntry: r.auditEntry === null ? '' : String(r.auditEntry),
        },
      },
      h('span.mat-name', { title: r.material }, readTitles[i]), ' ',
      r.ok ? [
        h('code.small', r.dataset), h('span.small.muted', ` (${r.owner}) · ${t('case.read_grant', { grant: r.grant })} · `),
        auditRef(r.auditEntry),
      ] : [h('span.badge.tone-bad', t('case.read_failed')), h('div.small.muted', r.detail)]))));
  }

  function drawEvents() {
    const groups = groupMaterialEvents(model.events, record && record.materials);
    const items = eventItems(model.events).map((it) => {
      if (it.group === 'checks') return checksItem(groups);
      if (it.group === 'reads') return readsItem(it.step, groups.reads.get(it.step));
      const e = it.event;
      return h('li', { dataset: { seq: String(e.sequence), kind: e.kind } },
        h('span.ev-time', formatMicros(e.at_micros)), ' ',
        h('span.ev-kind', tEnum(e.kind)),
        e.step ? h('span.ev-step', ` · ${e.step}`) : null,
        e.material ? h('span.ev-material', ` · ${e.material}`) : null,
        e.step_state && e.step_state !== 'STEP_STATE_UNSPECIFIED' ? [' ', badge(e.step_state)] : null,
        e.case_state && e.kind === 'CASE_EVENT_KIND_FINISHED' ? [' ', badge(e.case_state)] : null,
        e.detail ? h('div.small.muted', e.detail) : null);
    });
    eventsBox.replaceChildren(...items.reverse());
  }

  function drawRecord() {
    const typeTitle = caseType ? localTitle(caseType.title) : record.case_type;
    headerInfo.replaceChildren(
      h('div.case-title-row', h('span.case-type', typeTitle), ' ', badge(record.state, undefined), ' ', conn),
      h('dl.kv',
        h('dt', t('case.parties')), h('dd', (record.parties || []).map((p) => `${partyLabel(p.role)}: ${maskSubject(p.subject)}`).join(' · ')),
        h('dt', t('case.submitted_by')), h('dd', `${record.submitted_by || ''}${record.on_behalf_of ? ` / ${record.on_behalf_of}` : ''} · ${formatMicros(record.submitted_at_micros)}`)));
    headerInfo.querySelector('.badge').id = 'case-state';
    resultBox.replaceChildren();
    if (isFinishedCase(record.state)) {
      resultBox.append(infoBox(`${t('case.result')}: ${tEnum(record.state)}${record.reason ? ` — ${record.reason}` : ''}`,
        record.state === 'CASE_STATE_COMPLETED' ? 'ok' : 'error'));
      resultBox.firstChild.id = 'case-result';
    }
    metricsBox.replaceChildren(metricsPanel(record));
    const materials = record.materials || [];
    materialsBox.replaceChildren(materials.length ? table(null,
      [t('case.col_material'), t('case.col_source'), t('case.col_department'), t('case.col_due'), t('case.col_audit')],
      materials.map((m) => {
        const tm = caseType && (caseType.materials || []).find((x) => x.id === m.material);
        return h('tr', { dataset: { material: m.material, source: m.source || '' } },
          h('td', tm ? localTitle(tm.title) : m.material, h('div.small.muted', h('code', m.material))),
          h('td', h('span.badge', { class: `tone-${m.source === 'pulled' ? 'ok' : m.source === 'deferred' ? 'warn' : 'neutral'}` }, t(`source.${m.source}`))),
          h('td', m.department || ''),
          h('td', formatMicros(m.due_at_micros)),
          h('td.num', m.source === 'pulled' && m.audit_entry_index !== undefined ? `#${m.audit_entry_index}` : ''));
      }), { class: 'case-materials' }) : h('p.muted', t('common.none')));
    const readsByStep = model ? groupMaterialEvents(model.events).reads : new Map();
    stepsBox.replaceChildren(table(null,
      [t('case.col_step'), t('case.col_department2'), t('case.col_state'), t('case.col_time'), t('case.col_attempts'), t('case.col_reason')],
      (record.steps || []).map((s) => {
        const ts = caseType && (caseType.steps || []).find((x) => x.id === s.step);
        const span = s.started_at_micros && Number(s.started_at_micros)
          ? `${formatMicros(s.started_at_micros)}${Number(s.finished_at_micros) ? ` → ${formatDuration((Number(s.finished_at_micros) - Number(s.started_at_micros)) / 1000)}` : ''}` : '';
        const reads = readsByStep.get(s.step) || [];
        return h('tr', { dataset: { step: s.step, state: s.state || '' } },
          h('td', ts ? localTitle(ts.title) : s.step, h('div.small.muted', h('code', s.step)),
            reads.length ? h('div.small.muted.step-reads', { dataset: { n: String(reads.length) } },
              t('case.step_reads', { list: materialTitles(reads.map((r) => r.material)).join(t('case.list_sep')) })) : null),
          h('td', s.department), h('td', badge(s.state)), h('td.small', span),
          h('td.num', String(s.attempts || 0)), h('td.small', s.reason || ''));
      }), { class: 'case-steps' }));
    drawActions();
  }

  function pendingMaterials() {
    const out = new Set();
    for (const m of record.materials || []) if (m.source === 'deferred') out.add(m.material);
    if (model) {
      for (const w of model.waits) if (w.material) out.add(w.material);
      for (const s of model.supplements) out.delete(s.material);
    }
    for (const m of record.materials || []) if (m.source === 'supplied') out.delete(m.material);
    return [...out];
  }

  function drawActions() {
    actionsBox.replaceChildren();
    if (!isClerk || isFinishedCase(record.state)) return;
    const status = h('div.form-status', { 'aria-live': 'polite' });
    const pending = pendingMaterials();
    if (pending.length || record.state === 'CASE_STATE_WAITING') {
      const sel = h('select#supplement-material', pending.map((m) => h('option', { value: m }, m)));
      const ref = h('input#supplement-reference', { placeholder: t('desk.reference_ph'), required: true });
      actionsBox.append(section(t('case.supplement'),
        record.state === 'CASE_STATE_WAITING' && pending.length ? infoBox(t('case.waiting_for', { material: pending.join(', ') }), 'warn') : null,
        h('form.inline-form', {
          onsubmit: async (e) => {
            e.preventDefault();
            status.replaceChildren();
            try {
              record = await api.post(`cases/${encodeURIComponent(id)}/supplement`, { material: { material: sel.value, reference: ref.value.trim() } });
              status.replaceChildren(infoBox(t('case.supplemented', { material: sel.value }), 'ok'));
              drawRecord();
            } catch (err) {
              status.replaceChildren(errorBox(err));
            }
          },
        }, field(t('case.supplement_material'), sel).el, field(t('case.supplement_reference'), ref).el,
        h('div.actions', h('button.btn.btn-primary', { type: 'submit' }, t('case.supplement_submit')))), status));
    }
    const reason = h('input#cancel-reason', { required: true });
    const cancelStatus = h('div.form-status', { 'aria-live': 'polite' });
    actionsBox.append(h('details.cancel-box', h('summary', t('case.cancel')),
      h('form.inline-form', {
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            record = await api.post(`cases/${encodeURIComponent(id)}/cancel`, { reason: reason.value.trim() });
            cancelStatus.replaceChildren(infoBox(t('case.cancelled'), 'ok'));
            drawRecord();
          } catch (err) {
            cancelStatus.replaceChildren(errorBox(err));
          }
        },
      }, field(t('case.cancel_reason'), reason).el, h('div.actions', h('button.btn.btn-danger', { type: 'submit' }, t('case.cancel')))),
      cancelStatus));
  }

  async function refreshRecord() {
    try {
      const r = await api.get(`cases/${encodeURIComponent(id)}`);
      if (disposed) return;
      record = r;
      // Keep the event-driven timeline, but take authoritative step times.
      const fresh = modelFromRecord(record, caseType);
      for (const e of model.events) applyEvent(fresh, e);
      const byStep = new Map((record.steps || []).map((s) => [s.step, s]));
      for (const s of fresh.steps) {
        const rs = byStep.get(s.step);
        if (rs && Number(rs.started_at_micros)) s.start = Number(rs.started_at_micros);
        if (rs && Number(rs.finished_at_micros)) s.end = Number(rs.finished_at_micros);
        if (rs && rs.state) s.state = rs.state;
      }
      if (isFinishedCase(record.state)) {
        fresh.state = record.state;
        if (Number(record.finished_at_micros)) fresh.finishedAt = Number(record.finished_at_micros);
      }
      model = fresh;
      drawRecord();
      drawTimeline();
      drawEvents();
    } catch (err) {
      // A failed refresh leaves the live view as it is.
    }
  }

  function scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      refreshRecord();
    }, 250);
  }

  function setConn(kind) {
    conn.dataset.state = kind;
    conn.className = `conn conn-${kind}`;
    conn.textContent = kind === 'live' ? `● ${t('case.live')}` : kind === 'ended' ? t('case.ended') : kind === 'reconnecting' ? t('case.reconnecting') : '';
  }

  function connect() {
    if (disposed || ended) return;
    const url = api.apiUrl(`cases/${encodeURIComponent(id)}/events`, { after_sequence: streamSeq });
    es = new EventSource(url, { withCredentials: true });
    es.addEventListener('open', () => setConn('live'));
    es.addEventListener('case', (msg) => {
      backoff = 1000;
      watchError.replaceChildren();
      setConn('live');
      let ev;
      try {
        ev = JSON.parse(msg.data);
      } catch (e) {
        return;
      }
      const seq = Number(ev.sequence) || 0;
      if (seq > streamSeq) streamSeq = seq;
      if (applyEvent(model, ev)) {
        drawTimeline();
        drawEvents();
        if (REFRESH_KINDS.has(ev.kind)) scheduleRefresh();
      }
    });
    es.addEventListener('end', () => {
      ended = true;
      es.close();
      es = null;
      setConn('ended');
      if (tick) clearInterval(tick);
      tick = null;
      refreshRecord();
    });
    // Both a dropped connection (a plain Event) and the gateway's
    // `event: error` (the Watch failed midway; data is the error JSON).
    es.addEventListener('error', async (msg) => {
      if (!es) return;
      es.close();
      es = null;
      if (disposed || ended) return;
      setConn('reconnecting');
      if (msg && typeof msg.data === 'string' && msg.data) {
        watchError.replaceChildren(errorBox(parseErrorBody(0, msg.data)));
      }
      // Tell a refusal (401/403/404) from a dropped connection.
      try {
        await api.get(`cases/${encodeURIComponent(id)}`);
      } catch (err) {
        if (err instanceof ApiError && err.httpStatus >= 400 && err.httpStatus < 500) {
          body.prepend(errorBox(err));
          setConn('');
          return;
        }
      }
      reconnectTimer = setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 10000);
    });
  }

  function onResize() {
    if (model && Math.abs((timelineBox.clientWidth || 0) - lastWidth) > 20) drawTimeline();
  }
  window.addEventListener('resize', onResize);

  (async () => {
    try {
      const [r, types] = await Promise.all([
        api.get(`cases/${encodeURIComponent(id)}`),
        api.get('case-types').catch(() => null),
      ]);
      record = r;
      caseType = types && (types.case_types || []).find((x) => x.id === record.case_type);
    } catch (err) {
      body.replaceChildren(errorBox(err));
      return;
    }
    if (disposed) return;
    model = modelFromRecord(record, caseType);
    head.replaceChildren(pageHeader(t('case.title', { id })), headerInfo);
    body.replaceChildren(
      resultBox,
      section(t('case.timeline'), h('p.muted', t('case.timeline_desc')), watchError, timelineInfo, timelineBox),
      section(t('case.metrics'), metricsBox),
      actionsBox,
      h('div.two-col', section(t('case.steps'), stepsBox), section(t('case.materials'), materialsBox)),
      section(t('case.events'), eventsBox));
    drawRecord();
    drawTimeline();
    drawEvents();
    tick = setInterval(() => {
      if (model && !isFinishedCase(model.state)) drawTimeline();
    }, 500);
    connect();
  })();

  return {
    el,
    dispose() {
      disposed = true;
      if (es) es.close();
      es = null;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (refreshTimer) clearTimeout(refreshTimer);
      if (tick) clearInterval(tick);
      window.removeEventListener('resize', onResize);
    },
  };
}
