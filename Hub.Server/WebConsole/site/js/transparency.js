// The access log's proofs, checked in the browser (docs/audit.md): the leaf is SM3(0x00 ‖ entry JSON), a node
// SM3(0x01 ‖ left ‖ right) (RFC 9162 structure), the checkpoint a C2SP tlog-checkpoint body signed with SM2 by a key
// the auditor pinned. Each step reports what it compared, so a red result says which check failed.
import { sm3, utf8, hex, fromBase64, sameBytes } from './sm3.js';
import { publicKeyFromPem, verify, keyId } from './sm2.js';

export const leafHash = entryJson => sm3(Uint8Array.of(0), utf8(entryJson));
const nodeHash = (left, right) => sm3(Uint8Array.of(1), left, right);

/** origin, size and root read from the signed checkpoint body (three lines, each ending in a newline). */
export function parseCheckpoint(body) {
  const lines = body.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '' || !/^[1-9][0-9]*$|^0$/.test(lines[1])) {
    throw new Error('not a checkpoint body');
  }
  const root = fromBase64(lines[2]);
  if (root.length !== 32) throw new Error('the checkpoint root is not 32 bytes');
  return { origin: lines[0], size: BigInt(lines[1]), root };
}

/** The root an inclusion proof leads to from the leaf at index in a tree of size (RFC 9162 §2.1.3.2), or null when the proof's shape is wrong. */
export function rootFromInclusionProof(index, size, leaf, proof) {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

/** Pinned keys (PEM text by key id), kept in this browser only. */
export function pinnedKey(pems, id) {
  for (const pem of pems) {
    try {
      const key = publicKeyFromPem(pem);
      if (keyId(key) === id) return key;
    } catch {
      // A pasted text that is no SM2 key pins nothing.
    }
  }
  return null;
}

/**
 * Checks that entryJson, at logIndex, is in the log the pinned keys sign: each step {name, ok, detail}; ok overall
 * only if every step passed. checkpoint: GetCheckpoint's JSON; proof: GetInclusionProof's JSON for that checkpoint's size.
 */
export function checkInclusion({ entryJson, logIndex, checkpoint, proof, pinnedPems, origin }) {
  const steps = [];
  const step = (name, ok, detail) => {
    steps.push({ name, ok, detail });
    return ok;
  };
  const result = () => ({ ok: steps.every(s => s.ok), steps });

  const leaf = leafHash(entryJson);
  const served = proof.leafHash ? fromBase64(proof.leafHash) : new Uint8Array();
  step('leaf', sameBytes(leaf, served), `SM3(0x00 ‖ entry) = ${hex(leaf)}; the log's leaf ${hex(served) || '(none)'}`);

  let body;
  try {
    body = parseCheckpoint(checkpoint.checkpoint);
  } catch (e) {
    step('checkpoint', false, e.message);
    return result();
  }
  step('origin', body.origin === origin, `checkpoint of "${body.origin}", expected "${origin}"`);

  const hashes = (proof.hashes ?? []).map(fromBase64);
  const size = BigInt(proof.treeSize ?? 0);
  const root = size === body.size ? rootFromInclusionProof(BigInt(logIndex), body.size, leaf, hashes) : null;
  step('inclusion', root !== null && sameBytes(root, body.root),
    size !== body.size
      ? `the proof is for a tree of ${size}, the checkpoint has ${body.size}`
      : `${hashes.length} proof hashes lead to ${root ? hex(root) : '(no root)'}; the signed root is ${hex(body.root)}`);

  const key = pinnedKey(pinnedPems, checkpoint.keyId);
  if (!step('pinned key', key !== null, key ? `key ${checkpoint.keyId} is pinned in this browser` : `signed by key ${checkpoint.keyId}, which is not one of the pinned keys`)) {
    return result();
  }
  const signed = verify(key, utf8(checkpoint.checkpoint), fromBase64(checkpoint.signature ?? ''));
  step('signature', signed, signed ? `SM2 signature by ${checkpoint.keyId} verifies over the checkpoint` : `the signature does not verify with the pinned key ${checkpoint.keyId}`);
  return result();
}
