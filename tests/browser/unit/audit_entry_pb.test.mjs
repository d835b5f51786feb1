// AuditEntry deterministic serialization in the browser
// (gateway/web/ui/js/audit_entry_pb.js) against bytes produced by
// `protoc --encode=datarun.v1.AuditEntry` from proto/datarun/v1/audit.proto
// (the vectors below were made that way; the text input is in each test).
import './setup.mjs';
import test from 'node:test';
import assert from 'node:assert/strict';

import { encodeAuditEntry, entryMatchesLeaf } from '../../../gateway/web/ui/js/audit_entry_pb.js';
import { leafHash, toHex, toBase64 } from '../../../gateway/web/ui/js/merkle.js';

const hex = (b) => toHex(b);

// protoc input (text format): every field set, a non-ASCII reason, two-byte
// tags for fields 16..18.
const FULL = {
  time_micros: '1760000123456789',
  consumer: 'servicehall',
  on_behalf_of: 'window1',
  dataset: 'land.property_title',
  owner: 'land',
  subject_hash: '3f2a9c0d',
  fields_requested: ['certificate_no', 'mortgaged'],
  fields_released: ['certificate_no'],
  fields_masked: ['mortgaged'],
  purpose: 'property_transfer.intake',
  case_id: 'c-0001',
  request_id: 'r-1',
  decision: 'AUDIT_DECISION_ALLOW',
  grant_id: 'g-servicehall-land',
  status_code: 'OK',
  reason: '不动产 ok',
  record_count: 2,
  record_digest: 'ab12',
};
const FULL_HEX = '08959aa7b1df969003120b7365727669636568616c6c1a0777696e646f773122136c616e642e70726f70657274795f7469746c652a046c616e64320833663261396330643a0e63657274696669636174655f6e6f3a096d6f72746761676564420e63657274696669636174655f6e6f4a096d6f72746761676564521870726f70657274795f7472616e736665722e696e74616b655a06632d303030316203722d3168017212672d7365727669636568616c6c2d6c616e647a024f4b82010ce4b88de58aa8e4baa7206f6b88010292010461623132';

test('matches protoc for an entry with every field', () => {
  assert.equal(hex(encodeAuditEntry(FULL)), FULL_HEX);
});

test('lowerCamelCase JSON names and key order do not matter', () => {
  const camel = {};
  for (const [k, v] of Object.entries(FULL).reverse()) camel[k.replace(/_([a-z])/g, (m, c) => c.toUpperCase())] = v;
  assert.equal(hex(encodeAuditEntry(camel)), FULL_HEX);
});

test('defaults are omitted; negative int32 is sign-extended to 10 bytes', () => {
  // protoc input: decision: AUDIT_DECISION_DENY record_count: -1 time_micros: 1
  const e = { time_micros: '1', decision: 'AUDIT_DECISION_DENY', record_count: -1, consumer: '', fields_masked: [] };
  assert.equal(hex(encodeAuditEntry(e)), '080168028801ffffffffffffffffff01');
  assert.equal(encodeAuditEntry({}).length, 0);
});

test('entryMatchesLeaf accepts the right leaf hash and refuses an altered entry', async () => {
  const lh = toBase64(await leafHash(encodeAuditEntry(FULL)));
  assert.equal(await entryMatchesLeaf(FULL, lh), true);
  assert.equal(await entryMatchesLeaf({ ...FULL, on_behalf_of: 'window2' }, lh), false);
  assert.equal(await entryMatchesLeaf({ ...FULL, decision: 'AUDIT_DECISION_BOGUS' }, lh), false);
});
