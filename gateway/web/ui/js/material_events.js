// Groups a case's CASE_EVENT_KIND_MATERIAL_PULLED events so the tracker
// reads well: the submission check once per material (held / not held /
// deferred) and, per step, the materials its department read (department,
// dataset, grant, audit entry). The exchange states these facts in the
// event's structured fields (reader, dataset, owner, grant_id, records,
// audit_entry_index); events stored before those fields existed carry them
// only in `detail`, which is then parsed:
//   check: "held by <owner> (<dataset>, N record(s)): checked by <who> on
//           identifying fields only" | "not pulled: <why>"
//   read:  "read by <dept> for step '<s>' from <dataset> (<owner>) under
//           grant '<g>': N record(s), audit entry #K[, after A attempts]"
//          (`step` set) | a failure text
// A detail in another shape is kept as text (ok: false, fields empty).
//
// Pure: no DOM.

const num = (v) => (v === undefined || v === null || v === '' ? 0 : Number(v));

const READ_RE = /^read by (\S+) for step '([^']*)' from (\S+) \(([^)]*)\) under grant '([^']*)': (\d+) record\(s\)(?:, audit entry #(\d+))?/;
const HELD_RE = /^held by (\S+) \(([^,]+), (\d+) record\(s\)\)/;

// Parses one material event (protobuf JSON). Returns {seq, at, step,
// material, ok, department, dataset, owner, grant, records, auditEntry,
// why, detail}; numbers absent from the detail are null.
export function parseMaterialEvent(ev) {
  const detail = ev.detail || '';
  const out = {
    seq: num(ev.sequence), at: num(ev.at_micros), step: ev.step || '', material: ev.material || '',
    ok: false, department: '', dataset: '', owner: '', grant: '', records: null, auditEntry: null,
    why: '', detail,
  };
  if (ev.reader || ev.dataset) {
    const answered = ev.audit_entry_index !== undefined && ev.audit_entry_index !== null;
    const records = num(ev.records);
    Object.assign(out, {
      ok: answered && records > 0, department: out.step ? ev.reader || '' : '', dataset: ev.dataset || '',
      owner: ev.owner || '', grant: ev.grant_id || '', records: answered ? records : null,
      auditEntry: answered ? Number(ev.audit_entry_index) : null,
    });
    if (!out.ok) out.why = detail.replace(/^not pulled: /, '');
    return out;
  }
  let m;
  if (out.step && (m = READ_RE.exec(detail))) {
    Object.assign(out, {
      ok: true, department: m[1], dataset: m[3], owner: m[4], grant: m[5], records: Number(m[6]),
      auditEntry: m[7] === undefined ? null : Number(m[7]),
    });
  } else if (!out.step && (m = HELD_RE.exec(detail))) {
    Object.assign(out, { ok: true, owner: m[1], dataset: m[2], records: Number(m[3]) });
  } else {
    out.why = detail.replace(/^not pulled: /, '');
  }
  return out;
}

// Groups the material events of `events` (any order; other kinds are
// ignored). `materials` is the CaseRecord's materials (may be absent): a
// check that found nothing for a material the record lists as deferred is
// 'deferred', else 'not_held'. Returns
//   {checks: [{...parsed, outcome: 'held'|'not_held'|'deferred'}] (the
//    latest check of each material, in first-seen order),
//    reads: Map step -> [parsed, ...] (event order, steps in first-seen
//    order), firstSeq: Map key -> sequence of the group's first event
//    ('checks' or 'step:<id>')}
export function groupMaterialEvents(events, materials) {
  const deferred = new Set((materials || []).filter((m) => m.source === 'deferred' || m.source === 'supplied').map((m) => m.material));
  const checks = [];
  const reads = new Map();
  const firstSeq = new Map();
  const sorted = (events || []).filter((e) => e.kind === 'CASE_EVENT_KIND_MATERIAL_PULLED')
    .slice().sort((a, b) => num(a.sequence) - num(b.sequence));
  for (const ev of sorted) {
    const p = parseMaterialEvent(ev);
    if (!p.step) {
      if (!firstSeq.has('checks')) firstSeq.set('checks', p.seq);
      const c = { ...p, outcome: p.ok ? 'held' : deferred.has(p.material) ? 'deferred' : 'not_held' };
      const i = checks.findIndex((x) => x.material === p.material);
      if (i >= 0) checks[i] = c;
      else checks.push(c);
      continue;
    }
    const key = `step:${p.step}`;
    if (!firstSeq.has(key)) firstSeq.set(key, p.seq);
    if (!reads.has(p.step)) reads.set(p.step, []);
    reads.get(p.step).push(p);
  }
  return { checks, reads, firstSeq };
}

// The events list of the tracker: every event but the material ones, with
// one {group: 'checks'} item where the first submission check was and one
// {group: 'reads', step} item where each step's first read was; in sequence
// order. Items are {event} or {group, step?, seq}.
export function eventItems(events) {
  const items = [];
  const seen = new Set();
  const sorted = (events || []).slice().sort((a, b) => num(a.sequence) - num(b.sequence));
  for (const ev of sorted) {
    if (ev.kind !== 'CASE_EVENT_KIND_MATERIAL_PULLED') {
      items.push({ event: ev });
      continue;
    }
    const key = ev.step ? `step:${ev.step}` : 'checks';
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(ev.step ? { group: 'reads', step: ev.step, seq: num(ev.sequence) } : { group: 'checks', seq: num(ev.sequence) });
  }
  return items;
}
