// Case timeline model and layout (gateway/web/ui/js/timeline.js) and error
// rendering (errors.js): parallel reviews overlap, the join starts after its
// predecessors, replayed events are ignored, and API errors keep the
// server's message.
import './setup.mjs';
import test from 'node:test';
import assert from 'node:assert/strict';

import {
  modelFromRecord, applyEvent, layout, maxOverlap, tickStep, formatDuration, summarizeMetrics,
  isFinishedCase,
} from '../../../gateway/web/ui/js/timeline.js';
import { parseErrorBody, describeError, ApiError } from '../../../gateway/web/ui/js/errors.js';

const T0 = 1_760_000_000_000_000; // micros
const ms = (n) => String(T0 + n * 1000);

const caseType = {
  id: 'property_transfer',
  steps: [
    { id: 'contract_review', department: 'housing' },
    { id: 'deed_tax', department: 'tax' },
    { id: 'title_review', department: 'land' },
    { id: 'transfer', department: 'land', after: ['contract_review', 'deed_tax', 'title_review'] },
  ],
};

function submitted() {
  return {
    case_id: 'c-1', case_type: 'property_transfer', state: 'CASE_STATE_RUNNING',
    submitted_at_micros: ms(0), last_event: '1', steps: [],
  };
}

function events() {
  let seq = 0;
  const ev = (kind, at, extra) => ({ case_id: 'c-1', sequence: String(++seq), at_micros: ms(at), kind, ...extra });
  return [
    ev('CASE_EVENT_KIND_SUBMITTED', 0, { case_state: 'CASE_STATE_RUNNING' }),
    ev('CASE_EVENT_KIND_STEP_STARTED', 10, { step: 'contract_review', step_state: 'STEP_STATE_RUNNING' }),
    ev('CASE_EVENT_KIND_STEP_STARTED', 11, { step: 'deed_tax', step_state: 'STEP_STATE_RUNNING' }),
    ev('CASE_EVENT_KIND_STEP_STARTED', 12, { step: 'title_review', step_state: 'STEP_STATE_RUNNING' }),
    ev('CASE_EVENT_KIND_STEP_FINISHED', 310, { step: 'contract_review', step_state: 'STEP_STATE_APPROVED' }),
    ev('CASE_EVENT_KIND_STEP_FINISHED', 320, { step: 'title_review', step_state: 'STEP_STATE_APPROVED' }),
    ev('CASE_EVENT_KIND_STEP_FINISHED', 330, { step: 'deed_tax', step_state: 'STEP_STATE_APPROVED' }),
    ev('CASE_EVENT_KIND_STEP_STARTED', 331, { step: 'transfer', step_state: 'STEP_STATE_RUNNING' }),
    ev('CASE_EVENT_KIND_STEP_FINISHED', 640, { step: 'transfer', step_state: 'STEP_STATE_APPROVED' }),
    ev('CASE_EVENT_KIND_FINISHED', 641, { case_state: 'CASE_STATE_COMPLETED' }),
  ];
}

test('parallel reviews overlap and the join follows them', () => {
  const m = modelFromRecord(submitted(), caseType);
  for (const e of events()) applyEvent(m, e);
  assert.equal(m.state, 'CASE_STATE_COMPLETED');
  assert.ok(isFinishedCase(m.state));
  const l = layout(m, { width: 1000, labelWidth: 200, nowMicros: T0 + 10_000_000 });
  assert.equal(l.maxParallel, 3);
  assert.equal(l.bars.length, 4);
  const byStep = Object.fromEntries(l.bars.map((b) => [b.step, b]));
  // The three reviews overlap pairwise; the transfer overlaps none of them.
  assert.equal(l.overlapping.length, 3);
  assert.ok(l.overlapping.every(([a, b]) => a !== 'transfer' && b !== 'transfer'));
  // Bars inside the plot, in time order; the transfer starts at the end of the last review.
  for (const b of l.bars) {
    assert.ok(b.x >= 200 && b.x + b.w <= 1000 + 1e-6, `${b.step} inside the plot`);
  }
  assert.ok(byStep.transfer.x >= byStep.deed_tax.x + byStep.deed_tax.w - 1e-6);
  const join = l.joins.find((j) => j.step === 'transfer');
  assert.deepEqual(join.from.map((f) => f.step).sort(), ['contract_review', 'deed_tax', 'title_review']);
  assert.equal(byStep.deed_tax.startMs, 11);
  assert.equal(byStep.deed_tax.endMs, 330);
  // Span is submission to finish, not to "now", once the case has finished.
  assert.equal(l.spanMs, 641);
  assert.ok(l.markers.some((mk) => mk.kind === 'finish'));
});

test('a serial chain does not overlap', () => {
  const m = modelFromRecord({
    case_id: 'c-2', state: 'CASE_STATE_COMPLETED', submitted_at_micros: ms(0), finished_at_micros: ms(30),
    steps: [
      { step: 'a', department: 'land', state: 'STEP_STATE_APPROVED', started_at_micros: ms(0), finished_at_micros: ms(10) },
      { step: 'b', department: 'market', state: 'STEP_STATE_APPROVED', started_at_micros: ms(10), finished_at_micros: ms(20) },
      { step: 'c', department: 'tax', state: 'STEP_STATE_APPROVED', started_at_micros: ms(20), finished_at_micros: ms(30) },
    ],
  });
  const l = layout(m, { width: 300 });
  assert.equal(l.maxParallel, 1);
  assert.equal(l.overlapping.length, 0);
});

test('replayed events after a reconnect are ignored', () => {
  const m = modelFromRecord(submitted(), caseType);
  const evs = events();
  for (const e of evs.slice(0, 5)) assert.equal(applyEvent(m, e), true);
  for (const e of evs.slice(2, 5)) assert.equal(applyEvent(m, e), false);
  for (const e of evs.slice(5)) applyEvent(m, e);
  assert.equal(m.events.length, evs.length);
  assert.equal(m.lastSequence, evs.length);
  assert.deepEqual(m.events.map((e) => Number(e.sequence)), evs.map((e) => Number(e.sequence)));
});

test('running steps extend to now; waiting and supplement are marked', () => {
  const m = modelFromRecord(submitted(), caseType);
  const evs = events().slice(0, 4);
  for (const e of evs) applyEvent(m, e);
  applyEvent(m, { sequence: '20', at_micros: ms(50), kind: 'CASE_EVENT_KIND_WAITING', step: 'deed_tax', material: 'dwelling_count', case_state: 'CASE_STATE_WAITING' });
  applyEvent(m, { sequence: '21', at_micros: ms(80), kind: 'CASE_EVENT_KIND_SUPPLEMENTED', material: 'dwelling_count', case_state: 'CASE_STATE_RUNNING' });
  const l = layout(m, { width: 500, nowMicros: T0 + 100_000 });
  assert.equal(m.state, 'CASE_STATE_RUNNING');
  assert.equal(l.spanMs, 100);
  const running = l.bars.filter((b) => b.open);
  assert.equal(running.length, 3);
  assert.equal(l.maxParallel, 3);
  assert.deepEqual(l.markers.map((k) => k.kind).sort(), ['supplement', 'wait']);
  const pending = l.bars.find((b) => b.step === 'transfer');
  assert.equal(pending.started, false);
  assert.equal(pending.w, 0);
});

test('helpers: overlap sweep, ticks, durations, metrics', () => {
  assert.equal(maxOverlap([[0, 10], [10, 20]]), 1);
  assert.equal(maxOverlap([[0, 10], [5, 20], [6, 7]]), 3);
  assert.equal(maxOverlap([]), 0);
  assert.equal(tickStep(641), 100);
  assert.equal(tickStep(10), 2);
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(1250), '1.3 s');
  assert.equal(formatDuration(185000), '3 min 5 s');
  const s = summarizeMetrics({ elapsed_ms: '641', serial_sum_ms: '1237', critical_path_ms: '628', trips: 1, materials_pulled: 12, materials_uploaded: 2 });
  assert.equal(s.elapsedMs, 641);
  assert.equal(s.pulled, 12);
  assert.ok(s.speedup > 1.9 && s.speedup < 2);
  assert.equal(summarizeMetrics(undefined).speedup, null);
});

test('API errors keep the server message under a localized headline', () => {
  const body = JSON.stringify({ error: { code: 'PERMISSION_DENIED', grpc_code: 7, http_status: 403, message: 'role clerk may not use the audit console (auditor only)' } });
  const err = parseErrorBody(403, body);
  assert.ok(err instanceof ApiError);
  assert.equal(err.code, 'PERMISSION_DENIED');
  const t = (k) => ({ 'err.forbidden': 'Not allowed' }[k] || k);
  const d = describeError(err, t);
  assert.equal(d.headline, 'Not allowed');
  assert.match(d.detail, /auditor only/);
  assert.equal(d.status, 403);

  const html = parseErrorBody(502, '<html><body>Bad gateway</body></html>');
  assert.equal(html.code, 'INTERNAL');
  assert.match(html.message, /Bad gateway/);
  assert.equal(describeError(html, t).headline, 'err.server');
  assert.equal(describeError(new TypeError('Failed to fetch'), t).headline, 'err.network');
  assert.equal(parseErrorBody(401, '').code, 'UNAUTHENTICATED');
});
