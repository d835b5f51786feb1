// RFC 9162 Merkle tree proof verification with WebCrypto SHA-256.
//
// The audit log is an RFC 9162 tree: leaf hash = SHA-256(0x00 || entry),
// node hash = SHA-256(0x01 || left || right). The gateway hands the browser
// each entry's leaf hash and inclusion proof against a signed checkpoint;
// this module recomputes the root from them (RFC 9162 section 2.1.3.2) and
// checks consistency proofs between two checkpoints (section 2.1.4.2), so
// the "verified" mark is the browser's own, not the server's word.
//
// Pure: no DOM. Works in browsers (secure context) and in node >= 20, both of
// which expose globalThis.crypto.subtle. Sizes and indices are taken as
// numbers, decimal strings (protobuf JSON for uint64) or BigInts.

const subtle = () => {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) {
    throw new Error('WebCrypto is not available (the page must be served over HTTPS)');
  }
  return s;
};

// Returns the SHA-256 digest of `bytes` (Uint8Array) as a Uint8Array.
export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest('SHA-256', bytes));
}

function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

// RFC 9162 leaf hash: SHA-256(0x00 || data).
export function leafHash(data) {
  return sha256(concat(Uint8Array.of(0), data));
}

// RFC 9162 interior node hash: SHA-256(0x01 || left || right).
export function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

// Decodes standard base64 (protobuf JSON `bytes`) into a Uint8Array.
export function fromBase64(b64) {
  const bin = atob(String(b64));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// Encodes a Uint8Array as standard base64.
export function toBase64(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

// Lowercase hex of a Uint8Array.
export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function bytesEqual(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

function toBig(v, what) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return BigInt(v);
  if (v === undefined || v === null || v === '') return 0n;
  throw new Error(`${what} is not a non-negative integer: ${JSON.stringify(v)}`);
}

function asBytes(v, what) {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return fromBase64(v);
  throw new Error(`${what} is neither bytes nor base64`);
}

// Outcome of a verification: {ok: true} or {ok: false, reason: "..."}.
const ok = () => ({ ok: true });
const fail = (reason) => ({ ok: false, reason });

// Checks that `proof` (array of 32-byte hashes, leaf level first; base64
// strings or Uint8Arrays) proves that the leaf with hash `leafHashValue` is
// leaf `index` of the tree of `treeSize` leaves with root `root`.
// Returns {ok} or {ok: false, reason} (never throws for a bad proof; throws
// only when WebCrypto is missing or an argument is not a number/bytes).
export async function verifyInclusion(index, treeSize, leafHashValue, proof, root) {
  const idx = toBig(index, 'index');
  const size = toBig(treeSize, 'tree size');
  const leaf = asBytes(leafHashValue, 'leaf hash');
  const rootBytes = asBytes(root, 'root hash');
  const path = (proof || []).map((p, i) => asBytes(p, `proof hash ${i}`));
  if (idx >= size) return fail(`leaf index ${idx} is not below tree size ${size}`);
  if (leaf.length !== 32) return fail(`leaf hash has ${leaf.length} bytes, want 32`);
  if (rootBytes.length !== 32) return fail(`root hash has ${rootBytes.length} bytes, want 32`);
  let fn = idx;
  let sn = size - 1n;
  let r = leaf;
  for (const p of path) {
    if (p.length !== 32) return fail('a proof hash is not 32 bytes');
    if (sn === 0n) return fail('proof is longer than the tree allows');
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return fail('proof is shorter than the tree requires');
  if (!bytesEqual(r, rootBytes)) {
    return fail(`recomputed root ${toHex(r).slice(0, 16)}... differs from the checkpoint's ${toHex(rootBytes).slice(0, 16)}...`);
  }
  return ok();
}

// Checks that `proof` proves that the tree of `oldSize` leaves with root
// `oldRoot` is a prefix of the tree of `newSize` leaves with root `newRoot`
// (RFC 9162 section 2.1.4.2). Returns {ok} or {ok: false, reason}.
export async function verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof) {
  const first = toBig(oldSize, 'old size');
  const second = toBig(newSize, 'new size');
  const r1 = asBytes(oldRoot, 'old root');
  const r2 = asBytes(newRoot, 'new root');
  const path = (proof || []).map((p, i) => asBytes(p, `proof hash ${i}`));
  if (first > second) return fail(`old size ${first} is above new size ${second}`);
  if (first === second) {
    if (path.length !== 0) return fail('equal sizes need an empty proof');
    return bytesEqual(r1, r2) ? ok() : fail('equal sizes but different roots');
  }
  if (first === 0n) {
    if (path.length !== 0) return fail('an empty old tree needs an empty proof');
    const empty = await sha256(new Uint8Array(0));
    return bytesEqual(r1, empty) ? ok() : fail('old root of an empty tree is not SHA-256("")');
  }
  if (path.length === 0) return fail('proof is empty');
  for (const p of path) if (p.length !== 32) return fail('a proof hash is not 32 bytes');
  // Step 2: if first is a power of 2, prepend first_hash to the proof.
  const isPow2 = (first & (first - 1n)) === 0n;
  const c = isPow2 ? [r1, ...path] : path;
  let fn = first - 1n;
  let sn = second - 1n;
  // Step 4: while LSB(fn) is set, shift both right.
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = c[0];
  let sr = c[0];
  for (let i = 1; i < c.length; i++) {
    const p = c[i];
    if (sn === 0n) return fail('proof is longer than the sizes allow');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(p, fr);
      sr = await nodeHash(p, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = await nodeHash(sr, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return fail('proof is shorter than the sizes require');
  if (!bytesEqual(fr, r1)) return fail('recomputed old root differs from the old checkpoint');
  if (!bytesEqual(sr, r2)) return fail('recomputed new root differs from the new checkpoint');
  return ok();
}
