// Grouping a case's material events (gateway/web/ui/js/material_events.js):
// the submission check once per material, each step's reads with the
// department, dataset, grant and audit entry parsed from the detail.
import './setup.mjs';
import test from 'node:test';
import assert from 'node:assert/strict';

import { parseMaterialEvent, groupMaterialEvents, eventItems } from '../../../gateway/web/ui/js/material_events.js';

const PULLED = 'CASE_EVENT_KIND_MATERIAL_PULLED';
const check = (seq, material, detail) => ({ sequence: String(seq), kind: PULLED, material, detail });
const read = (seq, step, material, detail) => ({ sequence: String(seq), kind: PULLED, step, material, detail });
const TAX_READ = "read by tax for step 'deed_tax' from housing.sale_contract (housing) under grant 'tax.sale_contract.case': 1 record(s), audit entry #123";
const HELD = 'held by housing (housing.sale_contract, 1 record(s)): checked by servicehall on identifying fields only';

test('a step read names department, dataset, owner, grant, records and audit entry', () => {
  const p = parseMaterialEvent(read(7, 'deed_tax', 'buyer_sale_contract', TAX_READ));
  assert.equal(p.ok, true);
  assert.equal(p.department, 'tax');
  assert.equal(p.dataset, 'housing.sale_contract');
  assert.equal(p.owner, 'housing');
  assert.equal(p.grant, 'tax.sale_contract.case');
  assert.equal(p.records, 1);
  assert.equal(p.auditEntry, 123);
  const retried = parseMaterialEvent(read(8, 's', 'm', `${TAX_READ.replace('#123', '#9')}, after 3 attempts`));
  assert.equal(retried.auditEntry, 9);
});

test('the structured fields win over the detail text, whatever its wording', () => {
  const p = parseMaterialEvent({
    sequence: '7', kind: PULLED, step: 'deed_tax', material: 'buyer_sale_contract', detail: '税务局已读取',
    reader: 'tax', dataset: 'housing.sale_contract', owner: 'housing', grant_id: 'tax.sale_contract.case',
    records: 1, audit_entry_index: '123',
  });
  assert.deepEqual([p.ok, p.department, p.dataset, p.owner, p.grant, p.records, p.auditEntry],
    [true, 'tax', 'housing.sale_contract', 'housing', 'tax.sale_contract.case', 1, 123]);
  const first = parseMaterialEvent({ ...p, sequence: '8', step: 'deed_tax', reader: 'tax', dataset: 'd', audit_entry_index: '0', records: 2 });
  assert.equal(first.auditEntry, 0);
  const check0 = parseMaterialEvent({ sequence: '2', kind: PULLED, material: 'm', detail: 'not pulled: registry holds no record',
    reader: 'servicehall', dataset: 'registry.marriage', owner: 'registry', audit_entry_index: '5' });
  assert.deepEqual([check0.ok, check0.department, check0.owner, check0.why], [false, '', 'registry', 'registry holds no record']);
  const failed = parseMaterialEvent({ sequence: '9', kind: PULLED, step: 'deed_tax', material: 'm', detail: 'step refused',
    reader: 'tax', dataset: 'd', owner: 'o' });
  assert.deepEqual([failed.ok, failed.auditEntry, failed.why], [false, null, 'step refused']);
});

test('a submission check is held or not; an unknown detail is kept as text', () => {
  const held = parseMaterialEvent(check(2, 'buyer_sale_contract', HELD));
  assert.equal(held.ok, true);
  assert.equal(held.owner, 'housing');
  assert.equal(held.dataset, 'housing.sale_contract');
  assert.equal(held.auditEntry, null);
  const missing = parseMaterialEvent(check(3, 'marriage', 'not pulled: registry holds no record'));
  assert.equal(missing.ok, false);
  assert.equal(missing.why, 'registry holds no record');
  const odd = parseMaterialEvent(read(4, 'deed_tax', 'x', 'public_security.id_card not readable by tax'));
  assert.equal(odd.ok, false);
  assert.equal(odd.why, 'public_security.id_card not readable by tax');
});

test('checks are grouped once per material (latest wins), reads per step, deferred from the record', () => {
  const events = [
    read(6, 'title_review', 'title', "read by land for step 'title_review' from land.property_title (land) under grant 'g': 1 record(s), audit entry #124"),
    check(2, 'buyer_sale_contract', 'not pulled: UNAVAILABLE'),
    check(3, 'buyer_sale_contract', HELD),
    check(4, 'tax_record', 'not pulled: tax holds no record'),
    check(5, 'marriage', 'not pulled: registry holds no record'),
    read(5, 'deed_tax', 'buyer_sale_contract', TAX_READ),
    { sequence: '1', kind: 'CASE_EVENT_KIND_SUBMITTED' },
  ];
  const g = groupMaterialEvents(events, [{ material: 'tax_record', source: 'deferred' }]);
  assert.deepEqual(g.checks.map((c) => [c.material, c.outcome]),
    [['buyer_sale_contract', 'held'], ['tax_record', 'deferred'], ['marriage', 'not_held']]);
  assert.deepEqual([...g.reads.keys()], ['deed_tax', 'title_review']);
  assert.equal(g.reads.get('deed_tax')[0].auditEntry, 123);
});

test('the events list has one item for the checks and one per step instead of each material event', () => {
  const events = [
    { sequence: '1', kind: 'CASE_EVENT_KIND_SUBMITTED' },
    check(2, 'a', HELD), check(3, 'b', HELD),
    read(4, 'deed_tax', 'a', TAX_READ), read(5, 'deed_tax', 'b', TAX_READ),
    { sequence: '6', kind: 'CASE_EVENT_KIND_STEP_STARTED', step: 'deed_tax' },
    read(7, 'transfer', 'a', TAX_READ),
    { sequence: '8', kind: 'CASE_EVENT_KIND_STEP_STARTED', step: 'transfer' },
  ];
  const items = eventItems(events);
  assert.deepEqual(items.map((i) => (i.event ? i.event.kind.replace('CASE_EVENT_KIND_', '') : `${i.group}:${i.step || ''}`)),
    ['SUBMITTED', 'checks:', 'reads:deed_tax', 'STEP_STARTED', 'reads:transfer', 'STEP_STARTED']);
});
