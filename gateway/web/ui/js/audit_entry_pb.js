// The deterministic protobuf serialization of datarun.v1.AuditEntry
// (proto/datarun/v1/audit.proto), rebuilt in the browser from the entry's
// protobuf JSON, so that the page can check that the entry it SHOWS is the
// leaf the inclusion proof proves (leaf hash = SHA-256(0x00 || bytes)) and
// not merely that some leaf is in the log.
//
// proto3 deterministic encoding of this message: fields in field-number
// order, scalars equal to their default omitted, repeated strings one
// record per element. Pure: no DOM.

import { leafHash, bytesEqual, fromBase64 } from './merkle.js';

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

// Field numbers and kinds of AuditEntry, in field-number order.
const FIELDS = [
  [1, 'time_micros', 'int64'],
  [2, 'consumer', 'string'],
  [3, 'on_behalf_of', 'string'],
  [4, 'dataset', 'string'],
  [5, 'owner', 'string'],
  [6, 'subject_hash', 'string'],
  [7, 'fields_requested', 'strings'],
  [8, 'fields_released', 'strings'],
  [9, 'fields_masked', 'strings'],
  [10, 'purpose', 'string'],
  [11, 'case_id', 'string'],
  [12, 'request_id', 'string'],
  [13, 'decision', 'enum'],
  [14, 'grant_id', 'string'],
  [15, 'status_code', 'string'],
  [16, 'reason', 'string'],
  [17, 'record_count', 'int32'],
  [18, 'record_digest', 'string'],
];

const DECISIONS = { AUDIT_DECISION_UNSPECIFIED: 0, AUDIT_DECISION_ALLOW: 1, AUDIT_DECISION_DENY: 2 };

// lowerCamelCase spelling of a proto field name (the JSON mapping's default).
function camel(name) {
  return name.replace(/_([a-z])/g, (m, c) => c.toUpperCase());
}

function pushVarint(out, value) {
  // value: BigInt in [0, 2^64).
  let v = value;
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
}

function toUint64(v) {
  // int64/int32 two's complement as an unsigned 64-bit BigInt.
  const b = BigInt(v);
  return b < 0n ? (1n << 64n) + b : b;
}

function pushTag(out, field, wire) {
  pushVarint(out, BigInt((field << 3) | wire));
}

const utf8 = new TextEncoder();

function pushString(out, field, s) {
  const bytes = utf8.encode(s);
  pushTag(out, field, WIRE_LEN);
  pushVarint(out, BigInt(bytes.length));
  for (const b of bytes) out.push(b);
}

// Returns the deterministic serialization (Uint8Array) of the AuditEntry
// given as protobuf JSON (snake_case or lowerCamelCase names; int64 as
// string or number; enum as name or number). Throws Error naming a field
// whose value has the wrong type or an unknown enum name.
export function encodeAuditEntry(entry) {
  const out = [];
  const e = entry || {};
  for (const [num, name, kind] of FIELDS) {
    let v = e[name];
    if (v === undefined) v = e[camel(name)];
    if (v === undefined || v === null) continue;
    switch (kind) {
      case 'string':
        if (typeof v !== 'string') throw new Error(`${name} is not a string`);
        if (v !== '') pushString(out, num, v);
        break;
      case 'strings':
        if (!Array.isArray(v)) throw new Error(`${name} is not a list`);
        for (const s of v) pushString(out, num, String(s));
        break;
      case 'int64':
      case 'int32': {
        if (!(typeof v === 'number' || (typeof v === 'string' && /^-?[0-9]+$/.test(v)))) {
          throw new Error(`${name} is not an integer`);
        }
        const b = BigInt(v);
        if (b !== 0n) {
          pushTag(out, num, WIRE_VARINT);
          pushVarint(out, toUint64(b));
        }
        break;
      }
      case 'enum': {
        let n = v;
        if (typeof v === 'string') {
          if (!(v in DECISIONS)) throw new Error(`${name} has an unknown value ${v}`);
          n = DECISIONS[v];
        }
        if (n !== 0) {
          pushTag(out, num, WIRE_VARINT);
          pushVarint(out, toUint64(n));
        }
        break;
      }
      default:
        break;
    }
  }
  return Uint8Array.from(out);
}

// True when SHA-256(0x00 || encodeAuditEntry(entry)) equals `leafHashValue`
// (base64 or Uint8Array); false when it differs or the entry cannot be
// encoded.
export async function entryMatchesLeaf(entry, leafHashValue) {
  let bytes;
  try {
    bytes = encodeAuditEntry(entry);
  } catch (e) {
    return false;
  }
  const want = typeof leafHashValue === 'string' ? fromBase64(leafHashValue) : leafHashValue;
  return bytesEqual(await leafHash(bytes), want);
}
