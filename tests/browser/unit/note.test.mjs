// Signed-note checkpoints (gateway/web/ui/js/note.js): a note signed here with
// a fresh Ed25519 key in the C2SP format verifies; altered text, an altered
// signature, another key and malformed notes fail.
import './setup.mjs';
import test from 'node:test';
import assert from 'node:assert/strict';

import {
  parseNote, parseCheckpointBody, parseVerifierKey, keyId, verifyNote, checkpointMatches,
  ed25519Supported,
} from '../../../gateway/web/ui/js/note.js';
import { toBase64, sha256 } from '../../../gateway/web/ui/js/merkle.js';

const subtle = globalThis.crypto.subtle;

async function makeSigner(name) {
  const pair = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const pub = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  const id = await keyId(name, pub);
  const hexId = id.toString(16).padStart(8, '0');
  const vkey = `${name}+${hexId}+${toBase64(Uint8Array.of(1, ...pub))}`;
  async function sign(text) {
    const sig = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, pair.privateKey,
      new TextEncoder().encode(text)));
    const blob = Uint8Array.of(id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff, ...sig);
    return `${text}\n\u2014 ${name} ${toBase64(blob)}\n`;
  }
  return { vkey, sign, id };
}

async function body(size) {
  const root = await sha256(new TextEncoder().encode(`root ${size}`));
  return `datarun.local/audit/node-1\n${size}\n${toBase64(root)}\n`;
}

test('runtime has WebCrypto Ed25519 (node >= 20)', async () => {
  assert.equal(await ed25519Supported(), true);
});

test('a note signed by the key verifies and yields its checkpoint', async () => {
  const s = await makeSigner('datarun.local/audit');
  const text = await body(42);
  const note = await s.sign(text);
  const r = await verifyNote(note, s.vkey);
  assert.equal(r.status, 'verified', r.reason);
  assert.equal(r.checkpoint.treeSize, '42');
  assert.equal(r.checkpoint.origin, 'datarun.local/audit/node-1');
  assert.ok(checkpointMatches(r.checkpoint, '42', text.split('\n')[2]));
  assert.equal(checkpointMatches(r.checkpoint, '43', text.split('\n')[2]), false);
});

test('other signers on the note are ignored; a witness cosignature does not hurt', async () => {
  const s = await makeSigner('datarun.local/audit');
  const w = await makeSigner('witness.example');
  const text = await body(7);
  const signed = await s.sign(text);
  const witnessLine = (await w.sign(text)).slice(text.length + 1);
  const r = await verifyNote(signed + witnessLine, s.vkey);
  assert.equal(r.status, 'verified', r.reason);
});

test('altered text, altered signature, wrong key and malformed notes fail', async () => {
  const s = await makeSigner('datarun.local/audit');
  const other = await makeSigner('datarun.local/audit');
  const note = await s.sign(await body(100));

  const altered = note.replace('\n100\n', '\n101\n');
  const r1 = await verifyNote(altered, s.vkey);
  assert.equal(r1.status, 'failed');
  assert.match(r1.reason, /does not verify/);

  const lines = note.split('\n');
  const sigLine = lines[lines.length - 2];
  const b64 = sigLine.split(' ')[2];
  const flipped = (b64[10] === 'A' ? 'B' : 'A');
  const badSig = note.replace(b64, b64.slice(0, 10) + flipped + b64.slice(11));
  assert.equal((await verifyNote(badSig, s.vkey)).status, 'failed');

  const r3 = await verifyNote(note, other.vkey);
  assert.equal(r3.status, 'failed');
  assert.match(r3.reason, /no signature/);

  assert.equal((await verifyNote(note.replace('\n\n', '\n'), s.vkey)).status, 'failed');
  assert.equal((await verifyNote('', s.vkey)).status, 'failed');
  assert.equal((await verifyNote(note, 'not-a-key')).status, 'failed');
  // A verifier key whose id does not match its name and key.
  const [n, , k] = s.vkey.split('+');
  assert.equal((await verifyNote(note, `${n}+00000000+${k}`)).status, 'failed');
});

test('parsers name what is wrong', async () => {
  assert.throws(() => parseNote('abc'), /newline/);
  assert.throws(() => parseNote('a\nb\n'), /blank line/);
  assert.throws(() => parseNote('a\n\n- x y\n'), /signature line/);
  assert.throws(() => parseCheckpointBody('o\n01\nAAAA\n'), /line 2/);
  assert.throws(() => parseCheckpointBody('o\n1\nAAAA\n'), /line 3/);
  assert.throws(() => parseCheckpointBody('o\n1\n'), /fewer than three/);
  assert.throws(() => parseVerifierKey('a+b'), /name/);
  assert.throws(() => parseVerifierKey('a+xyz+AAAA'), /8 hex/);
  const s = await makeSigner('n');
  const vk = parseVerifierKey(s.vkey);
  assert.equal(vk.keyId, s.id);
  assert.equal(vk.publicKey.length, 32);
  const parsed = parseNote(await s.sign(await body(1)));
  assert.equal(parsed.signatures.length, 1);
  assert.equal(parsed.signatures[0].signature.length, 64);
});
