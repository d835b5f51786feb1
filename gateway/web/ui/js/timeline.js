// Case timeline model and layout: turns a CaseRecord (GET /api/v1/cases/{id})
// and the case's events (SSE from Case.Watch) into bars on a time axis, so
// that reviews running in parallel visibly overlap and the join (a step
// waiting for several others) is drawn where it happens.
//
// Pure: no DOM. Times are Unix microseconds; protobuf JSON sends int64 as
// decimal strings, which Number() reads exactly for dates (< 2^53).

const num = (v) => (v === undefined || v === null || v === '' ? 0 : Number(v));

const FINISHED_STEP = new Set([
  'STEP_STATE_APPROVED', 'STEP_STATE_REJECTED', 'STEP_STATE_FAILED', 'STEP_STATE_SKIPPED',
]);
const FINISHED_CASE = new Set([
  'CASE_STATE_COMPLETED', 'CASE_STATE_REJECTED', 'CASE_STATE_FAILED', 'CASE_STATE_CANCELLED',
]);

export function isFinishedCase(state) {
  return FINISHED_CASE.has(state);
}

export function isFinishedStep(state) {
  return FINISHED_STEP.has(state);
}

// Returns a fresh model from a CaseRecord and (optionally) its CaseType (for
// step order, titles and `after` edges).
export function modelFromRecord(record, caseType) {
  const m = {
    caseId: record.case_id,
    caseType: record.case_type,
    state: record.state || 'CASE_STATE_UNSPECIFIED',
    reason: record.reason || '',
    submittedAt: num(record.submitted_at_micros),
    finishedAt: num(record.finished_at_micros),
    lastSequence: num(record.last_event),
    steps: [],
    waits: [],
    supplements: [],
    pulls: [],
    events: [],
  };
  const typeSteps = (caseType && caseType.steps) || [];
  const byId = new Map();
  for (const ts of typeSteps) {
    const s = {
      step: ts.id, title: ts.title || ts.id, department: ts.department || '',
      after: ts.after || [], state: 'STEP_STATE_PENDING', start: 0, end: 0, attempts: 0,
      reason: '',
    };
    byId.set(ts.id, s);
    m.steps.push(s);
  }
  for (const rs of record.steps || []) {
    let s = byId.get(rs.step);
    if (!s) {
      s = { step: rs.step, title: rs.step, department: '', after: [], state: '', start: 0, end: 0, attempts: 0, reason: '' };
      byId.set(rs.step, s);
      m.steps.push(s);
    }
    s.department = rs.department || s.department;
    s.state = rs.state || 'STEP_STATE_PENDING';
    s.start = num(rs.started_at_micros);
    s.end = num(rs.finished_at_micros);
    s.attempts = num(rs.attempts);
    s.reason = rs.reason || '';
  }
  return m;
}

function stepOf(m, id) {
  let s = m.steps.find((x) => x.step === id);
  if (!s && id) {
    s = { step: id, title: id, department: '', after: [], state: 'STEP_STATE_PENDING', start: 0, end: 0, attempts: 0, reason: '' };
    m.steps.push(s);
  }
  return s;
}

// Applies one CaseEvent (protobuf JSON) to the model, in place, keeping
// `events` in sequence order. An event whose sequence the model already has
// is ignored (replays after a reconnect). Returns true when it was new.
export function applyEvent(m, ev) {
  const seq = num(ev.sequence);
  if (seq && m.events.some((e) => num(e.sequence) === seq)) return false;
  m.events.push(ev);
  m.events.sort((a, b) => num(a.sequence) - num(b.sequence));
  if (seq > m.lastSequence) m.lastSequence = seq;
  const at = num(ev.at_micros);
  switch (ev.kind) {
    case 'CASE_EVENT_KIND_SUBMITTED':
      if (!m.submittedAt) m.submittedAt = at;
      if (ev.case_state) m.state = ev.case_state;
      break;
    case 'CASE_EVENT_KIND_MATERIAL_PULLED':
      m.pulls.push({ material: ev.material, at, detail: ev.detail || '' });
      break;
    case 'CASE_EVENT_KIND_STEP_STARTED': {
      const s = stepOf(m, ev.step);
      if (s) {
        if (!s.start || at < s.start) s.start = at;
        s.end = 0;
        s.state = ev.step_state || 'STEP_STATE_RUNNING';
      }
      break;
    }
    case 'CASE_EVENT_KIND_STEP_RETRIED': {
      const s = stepOf(m, ev.step);
      if (s) s.attempts = Math.max(s.attempts + 1, 2);
      break;
    }
    case 'CASE_EVENT_KIND_STEP_FINISHED': {
      const s = stepOf(m, ev.step);
      if (s) {
        s.end = at;
        if (!s.start) s.start = at;
        if (ev.step_state) s.state = ev.step_state;
        if (ev.detail) s.reason = ev.detail;
      }
      break;
    }
    case 'CASE_EVENT_KIND_WAITING': {
      m.waits.push({ step: ev.step || '', material: ev.material || '', at, detail: ev.detail || '' });
      const s = ev.step ? stepOf(m, ev.step) : null;
      if (s) s.state = 'STEP_STATE_WAITING';
      if (ev.case_state) m.state = ev.case_state;
      else m.state = 'CASE_STATE_WAITING';
      break;
    }
    case 'CASE_EVENT_KIND_SUPPLEMENTED':
      m.supplements.push({ material: ev.material || '', at, detail: ev.detail || '' });
      if (ev.case_state) m.state = ev.case_state;
      break;
    case 'CASE_EVENT_KIND_FINISHED':
      m.finishedAt = at;
      if (ev.case_state) m.state = ev.case_state;
      if (ev.detail) m.reason = ev.detail;
      break;
    case 'CASE_EVENT_KIND_RESUMED':
      if (ev.case_state) m.state = ev.case_state;
      break;
    default:
      break;
  }
  return true;
}

// Largest number of intervals [start, end) open at one instant.
export function maxOverlap(intervals) {
  const pts = [];
  for (const [a, b] of intervals) {
    if (!(b > a)) continue;
    pts.push([a, 1], [b, -1]);
  }
  pts.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let cur = 0;
  let best = 0;
  for (const [, d] of pts) {
    cur += d;
    best = Math.max(best, cur);
  }
  return best;
}

const TICK_STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000,
  300000, 600000, 1800000, 3600000, 7200000, 21600000, 43200000, 86400000,
];

// Returns a tick spacing (ms) giving at most `maxTicks` ticks over `spanMs`.
export function tickStep(spanMs, maxTicks = 8) {
  for (const s of TICK_STEPS_MS) if (spanMs / s <= maxTicks) return s;
  return Math.ceil(spanMs / maxTicks / 86400000) * 86400000;
}

// Formats a duration in ms for axis labels and metrics: "850 ms", "1.2 s",
// "3 min 5 s", "2 h 10 min".
export function formatDuration(ms) {
  ms = Math.max(0, Math.round(num(ms)));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
  if (ms < 3600000) {
    const min = Math.floor(ms / 60000);
    const s = Math.round((ms % 60000) / 1000);
    return s ? `${min} min ${s} s` : `${min} min`;
  }
  const h = Math.floor(ms / 3600000);
  const min = Math.round((ms % 3600000) / 60000);
  return min ? `${h} h ${min} min` : `${h} h`;
}

// Lays the model out on an axis `width` units wide (the left `labelWidth`
// units hold step names). `nowMicros` closes bars still running. Returns
//   {t0, t1, spanMs, bars: [{step, title, department, state, lane, x, w,
//    startMs, endMs, open, reason, attempts}], ticks: [{x, label}],
//    joins: [{step, x, lane, from: [{step, lane, x}]}],
//    markers: [{kind: 'wait'|'supplement'|'finish', x, label}],
//    maxParallel, overlapping: [[stepA, stepB], ...]}
export function layout(m, { width = 800, labelWidth = 0, nowMicros = Date.now() * 1000 } = {}) {
  const started = m.steps.filter((s) => s.start > 0);
  const t0 = m.submittedAt || (started.length ? Math.min(...started.map((s) => s.start)) : nowMicros);
  const open = !isFinishedCase(m.state);
  let t1 = m.finishedAt && !open ? m.finishedAt : nowMicros;
  for (const s of started) t1 = Math.max(t1, s.end || (open ? nowMicros : s.start));
  for (const w of [...m.waits, ...m.supplements]) t1 = Math.max(t1, w.at);
  if (t1 <= t0) t1 = t0 + 1000; // at least 1 ms so the scale is finite
  const spanMicros = t1 - t0;
  const plot = Math.max(1, width - labelWidth);
  const xOf = (t) => labelWidth + ((t - t0) / spanMicros) * plot;

  const bars = m.steps.map((s, lane) => {
    const has = s.start > 0;
    const endT = s.end > 0 ? s.end : (has && !isFinishedStep(s.state) && open ? nowMicros : s.start);
    const x = has ? xOf(s.start) : labelWidth;
    const x1 = has ? xOf(endT) : labelWidth;
    return {
      step: s.step, title: s.title, department: s.department, state: s.state, lane,
      x, w: Math.max(has ? 2 : 0, x1 - x),
      startMs: has ? (s.start - t0) / 1000 : null,
      endMs: has && endT ? (endT - t0) / 1000 : null,
      open: has && !(s.end > 0),
      started: has,
      reason: s.reason, attempts: s.attempts,
    };
  });

  const laneOf = new Map(bars.map((b) => [b.step, b]));
  const joins = [];
  for (const s of m.steps) {
    if (!s.after || s.after.length === 0) continue;
    const b = laneOf.get(s.step);
    joins.push({
      step: s.step, lane: b.lane, x: b.started ? b.x : null,
      from: s.after.filter((a) => laneOf.has(a)).map((a) => {
        const fb = laneOf.get(a);
        return { step: a, lane: fb.lane, x: fb.started ? fb.x + fb.w : null };
      }),
    });
  }

  const intervals = started.map((s) => [s.start, s.end > 0 ? s.end : (open ? nowMicros : s.start)]);
  const overlapping = [];
  for (let i = 0; i < started.length; i++) {
    for (let j = i + 1; j < started.length; j++) {
      const [a0, a1] = intervals[i];
      const [b0, b1] = intervals[j];
      if (a0 < b1 && b0 < a1) overlapping.push([started[i].step, started[j].step]);
    }
  }

  const spanMs = spanMicros / 1000;
  const step = tickStep(spanMs);
  const ticks = [];
  for (let t = 0; t <= spanMs + 1e-9; t += step) {
    ticks.push({ x: labelWidth + (t / spanMs) * plot, label: formatDuration(t) });
  }
  const markers = [
    ...m.waits.map((w) => ({ kind: 'wait', x: xOf(w.at), label: w.material || w.detail })),
    ...m.supplements.map((w) => ({ kind: 'supplement', x: xOf(w.at), label: w.material || w.detail })),
  ];
  if (m.finishedAt && !open) markers.push({ kind: 'finish', x: xOf(m.finishedAt), label: m.state });

  return {
    t0, t1, spanMs, bars, ticks, joins, markers, overlapping,
    maxParallel: maxOverlap(intervals),
  };
}

// Summarises CaseMetrics (protobuf JSON) for display: numbers plus the
// speed-up of running in parallel (serial sum / critical path, or elapsed).
export function summarizeMetrics(metrics) {
  const mm = metrics || {};
  const elapsed = num(mm.elapsed_ms);
  const serial = num(mm.serial_sum_ms);
  const critical = num(mm.critical_path_ms);
  return {
    elapsedMs: elapsed,
    serialSumMs: serial,
    criticalPathMs: critical,
    trips: num(mm.trips),
    pulled: num(mm.materials_pulled),
    uploaded: num(mm.materials_uploaded),
    // How many times faster than offices one after another.
    speedup: elapsed > 0 && serial > 0 ? serial / elapsed : null,
    savedMs: serial > elapsed ? serial - elapsed : 0,
  };
}
