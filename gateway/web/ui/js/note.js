// C2SP signed notes (https://c2sp.org/signed-note) and tlog checkpoints
// (https://c2sp.org/tlog-checkpoint), verified with WebCrypto Ed25519 where
// the browser has it.
//
//   <origin>\n<tree size>\n<base64 root>\n      the checkpoint body (text)
//   \n                                          blank line
//   — <key name> <base64(4-byte key ID || 64-byte signature)>\n   signatures
//
// The verifier key is "<name>+<8 hex key ID>+<base64(0x01 || 32-byte key)>";
// the key ID is SHA-256(name || "\n" || 0x01 || key)[:4]. The signature
// covers the text including its final newline.
//
// Pure: no DOM; runs in browsers and node >= 20.

import { fromBase64, sha256, bytesEqual } from './merkle.js';

const EM_DASH = '\u2014';
const ED25519_TYPE = 0x01;

// Splits a signed note into {text, signatures: [{name, keyId, signature}]}.
// Throws Error naming what is malformed.
export function parseNote(note) {
  if (typeof note !== 'string' || note === '') throw new Error('empty note');
  if (!note.endsWith('\n')) throw new Error('note does not end with a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2, -1).split('\n');
  const signatures = [];
  for (const line of sigLines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) throw new Error(`signature line is not "${EM_DASH} <name> <base64>": ${line.slice(0, 40)}`);
    const blob = fromBase64(m[2]);
    if (blob.length < 5) throw new Error(`signature of ${m[1]} is too short`);
    const keyId = ((blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3]) >>> 0;
    signatures.push({ name: m[1], keyId, signature: blob.slice(4) });
  }
  return { text, signatures };
}

// Parses the checkpoint body: {origin, treeSize (decimal string), rootHash
// (base64), extensions}. Throws Error naming the line at fault.
export function parseCheckpointBody(text) {
  const lines = text.split('\n');
  lines.pop(); // text ends with "\n"
  if (lines.length < 3) throw new Error('checkpoint has fewer than three lines');
  const [origin, size, root, ...extensions] = lines;
  if (!origin) throw new Error('checkpoint line 1 (origin) is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size)) throw new Error('checkpoint line 2 (tree size) is not decimal');
  if (fromBase64(root).length !== 32) throw new Error('checkpoint line 3 (root) is not 32 bytes');
  return { origin, treeSize: size, rootHash: root, extensions };
}

// Parses a verifier key: {name, keyId, publicKey (Uint8Array 32)}.
// Throws Error naming the part at fault.
export function parseVerifierKey(vkey) {
  // The base64 key may itself contain '+': split at the first two only.
  const s = String(vkey || '');
  const p1 = s.indexOf('+');
  const p2 = p1 < 0 ? -1 : s.indexOf('+', p1 + 1);
  if (p1 < 0 || p2 < 0) throw new Error('verifier key is not <name>+<key id>+<key>');
  const name = s.slice(0, p1);
  const hexId = s.slice(p1 + 1, p2);
  const b64 = s.slice(p2 + 1);
  if (!name) throw new Error('verifier key has an empty name');
  if (!/^[0-9a-f]{8}$/i.test(hexId)) throw new Error('verifier key id is not 8 hex digits');
  const key = fromBase64(b64);
  if (key.length !== 33 || key[0] !== ED25519_TYPE) throw new Error('verifier key is not an Ed25519 key');
  return { name, keyId: parseInt(hexId, 16) >>> 0, publicKey: key.slice(1) };
}

// Returns the key ID of (name, 32-byte Ed25519 public key).
export async function keyId(name, publicKey) {
  const enc = new TextEncoder().encode(name + '\n');
  const buf = new Uint8Array(enc.length + 1 + publicKey.length);
  buf.set(enc, 0);
  buf[enc.length] = ED25519_TYPE;
  buf.set(publicKey, enc.length + 1);
  const h = await sha256(buf);
  return ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
}

// True when this runtime's WebCrypto can verify Ed25519 signatures.
export async function ed25519Supported() {
  try {
    await globalThis.crypto.subtle.importKey('raw', new Uint8Array(32).fill(1),
      { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch (e) {
    return false;
  }
}

// Verifies `note` against `verifierKey`. Returns
//   {status: 'verified', checkpoint}        a signature by the key verifies;
//   {status: 'unsupported', checkpoint}     no WebCrypto Ed25519 here;
//   {status: 'failed', reason}              malformed, unsigned by the key,
//                                           or a signature that does not verify.
// `checkpoint` is parseCheckpointBody(text) (null when the text is no
// checkpoint).
export async function verifyNote(note, verifierKey) {
  let parsed;
  let vk;
  try {
    parsed = parseNote(note);
    vk = parseVerifierKey(verifierKey);
  } catch (e) {
    return { status: 'failed', reason: e.message };
  }
  let checkpoint = null;
  try {
    checkpoint = parseCheckpointBody(parsed.text);
  } catch (e) {
    return { status: 'failed', reason: e.message };
  }
  const wantId = await keyId(vk.name, vk.publicKey);
  if (wantId !== vk.keyId) return { status: 'failed', reason: 'verifier key id does not match its name and key' };
  const sigs = parsed.signatures.filter((s) => s.name === vk.name && s.keyId === vk.keyId);
  if (sigs.length === 0) {
    return { status: 'failed', reason: `note carries no signature by ${vk.name}` };
  }
  if (!(await ed25519Supported())) return { status: 'unsupported', checkpoint };
  const key = await globalThis.crypto.subtle.importKey('raw', vk.publicKey, { name: 'Ed25519' },
    false, ['verify']);
  const data = new TextEncoder().encode(parsed.text);
  for (const s of sigs) {
    if (s.signature.length !== 64) return { status: 'failed', reason: 'signature is not 64 bytes' };
    const good = await globalThis.crypto.subtle.verify({ name: 'Ed25519' }, key, s.signature, data);
    if (!good) return { status: 'failed', reason: `signature by ${vk.name} does not verify` };
  }
  return { status: 'verified', checkpoint };
}

// True when the checkpoint fields the server sent beside the note (tree_size,
// root_hash base64) are the ones the note's text states.
export function checkpointMatches(parsedCheckpoint, treeSize, rootHashB64) {
  if (!parsedCheckpoint) return false;
  return String(parsedCheckpoint.treeSize) === String(treeSize) &&
    bytesEqual(fromBase64(parsedCheckpoint.rootHash), fromBase64(rootHashB64 || ''));
}
