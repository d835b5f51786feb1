// RFC 9162 proof verification (gateway/web/ui/js/merkle.js) against trees
// built here from the RFC's recursive definitions (MTH, PATH, PROOF), which
// share no code with the verifier.
import './setup.mjs';
import test from 'node:test';
import assert from 'node:assert/strict';

import {
  sha256, leafHash, nodeHash, verifyInclusion, verifyConsistency, toBase64, toHex, fromBase64,
} from '../../../gateway/web/ui/js/merkle.js';

const enc = new TextEncoder();

// Largest power of two strictly below n (n > 1).
function split(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH(D[0:n]) per RFC 9162 section 2.1.1, over leaf hashes.
async function mth(leaves) {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return leaves[0];
  const k = split(leaves.length);
  return nodeHash(await mth(leaves.slice(0, k)), await mth(leaves.slice(k)));
}

// PATH(m, D[0:n]) per RFC 9162 section 2.1.3.1.
async function path(m, leaves) {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  if (m < k) return [...(await path(m, leaves.slice(0, k))), await mth(leaves.slice(k))];
  return [...(await path(m - k, leaves.slice(k))), await mth(leaves.slice(0, k))];
}

// SUBPROOF(m, D[0:n], b) per RFC 9162 section 2.1.4.1.
async function subproof(m, leaves, b) {
  const n = leaves.length;
  if (m === n) return b ? [] : [await mth(leaves)];
  const k = split(n);
  if (m <= k) return [...(await subproof(m, leaves.slice(0, k), b)), await mth(leaves.slice(k))];
  return [...(await subproof(m - k, leaves.slice(k), false)), await mth(leaves.slice(0, k))];
}

async function makeLeaves(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await leafHash(enc.encode(`audit entry ${i}`)));
  return out;
}

test('leaf and node hashes follow RFC 9162 domain separation', async () => {
  // SHA-256 of the empty string and of a single 0x00 byte are well known.
  assert.equal(toHex(await sha256(new Uint8Array(0))),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(toHex(await leafHash(new Uint8Array(0))),
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  const a = await leafHash(enc.encode('a'));
  const b = await leafHash(enc.encode('b'));
  assert.notEqual(toHex(await nodeHash(a, b)), toHex(await nodeHash(b, a)));
});

test('every inclusion proof of trees of 1..17 leaves verifies', async () => {
  const all = await makeLeaves(17);
  for (let n = 1; n <= 17; n++) {
    const leaves = all.slice(0, n);
    const root = await mth(leaves);
    for (let m = 0; m < n; m++) {
      const proof = await path(m, leaves);
      const r = await verifyInclusion(m, n, leaves[m], proof, root);
      assert.ok(r.ok, `index ${m} size ${n}: ${r.reason}`);
      // Same proof as protobuf JSON would carry it: base64 strings and
      // decimal-string sizes.
      const r2 = await verifyInclusion(String(m), String(n), toBase64(leaves[m]),
        proof.map(toBase64), toBase64(root));
      assert.ok(r2.ok, `base64 form, index ${m} size ${n}: ${r2.reason}`);
    }
  }
});

test('corrupted inclusion proofs fail', async () => {
  const leaves = await makeLeaves(11);
  const root = await mth(leaves);
  const proof = await path(6, leaves);
  assert.ok((await verifyInclusion(6, 11, leaves[6], proof, root)).ok);

  // One flipped bit in one proof hash.
  const bad = proof.map((p) => Uint8Array.from(p));
  bad[1][0] ^= 0x01;
  const r1 = await verifyInclusion(6, 11, leaves[6], bad, root);
  assert.equal(r1.ok, false);
  assert.match(r1.reason, /recomputed root/);

  // Another leaf's hash, the wrong index, a size whose tree has another
  // shape, a dropped or extra hash, the wrong root: all fail. (A size with
  // the same shape, e.g. 12 here, gives the same root: the size is bound by
  // the signed checkpoint, not by the proof.)
  assert.equal((await verifyInclusion(6, 11, leaves[5], proof, root)).ok, false);
  assert.equal((await verifyInclusion(7, 11, leaves[6], proof, root)).ok, false);
  assert.equal((await verifyInclusion(6, 7, leaves[6], proof, root)).ok, false);
  assert.equal((await verifyInclusion(6, 11, leaves[6], proof.slice(1), root)).ok, false);
  assert.equal((await verifyInclusion(6, 11, leaves[6], [...proof, proof[0]], root)).ok, false);
  assert.equal((await verifyInclusion(6, 11, leaves[6], proof, leaves[0])).ok, false);
  const outOfRange = await verifyInclusion(11, 11, leaves[6], proof, root);
  assert.equal(outOfRange.ok, false);
  assert.match(outOfRange.reason, /not below tree size/);
});

test('every consistency proof between trees of 1..17 leaves verifies', async () => {
  const all = await makeLeaves(17);
  const roots = [];
  for (let n = 0; n <= 17; n++) roots.push(await mth(all.slice(0, n)));
  for (let n = 1; n <= 17; n++) {
    for (let m = 0; m <= n; m++) {
      const proof = m === 0 || m === n ? [] : await subproof(m, all.slice(0, n), true);
      const r = await verifyConsistency(m, n, roots[m], roots[n], proof);
      assert.ok(r.ok, `consistency ${m} -> ${n}: ${r.reason}`);
    }
  }
});

test('corrupted consistency proofs fail', async () => {
  const all = await makeLeaves(13);
  const root5 = await mth(all.slice(0, 5));
  const root13 = await mth(all);
  const proof = await subproof(5, all, true);
  assert.ok((await verifyConsistency(5, 13, root5, root13, proof)).ok);

  const bad = proof.map((p) => Uint8Array.from(p));
  bad[0][31] ^= 0x80;
  assert.equal((await verifyConsistency(5, 13, root5, root13, bad)).ok, false);
  // A forked history: the old tree had a different entry 2.
  const forked = [...all.slice(0, 2), await leafHash(enc.encode('rewritten')), ...all.slice(3, 5)];
  const forkedRoot = await mth(forked);
  assert.equal((await verifyConsistency(5, 13, forkedRoot, root13, proof)).ok, false);
  assert.equal((await verifyConsistency(5, 13, root5, root5, proof)).ok, false);
  assert.equal((await verifyConsistency(6, 13, root5, root13, proof)).ok, false);
  assert.equal((await verifyConsistency(13, 5, root13, root5, proof)).ok, false);
  assert.equal((await verifyConsistency(5, 13, root5, root13, [])).ok, false);
});

test('base64 helpers round trip', () => {
  const bytes = Uint8Array.from([0, 1, 2, 250, 255, 128]);
  assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
});
