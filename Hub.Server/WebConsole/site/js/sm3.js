// SM3 (GB/T 32905-2016), the hash of the access log's Merkle tree, of key ids and of SM2 signatures. Written for the
// console so that an auditor's browser checks proofs itself instead of believing the hub.

const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];

const rotl = (x, n) => ((x << (n & 31)) | (x >>> (32 - (n & 31)))) >>> 0;
const p0 = x => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
const p1 = x => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;

function compress(v, block) {
  const w = new Uint32Array(68);
  const w1 = new Uint32Array(64);
  for (let j = 0; j < 16; j++) {
    w[j] = ((block[4 * j] << 24) | (block[4 * j + 1] << 16) | (block[4 * j + 2] << 8) | block[4 * j + 3]) >>> 0;
  }
  for (let j = 16; j < 68; j++) {
    w[j] = (p1(w[j - 16] ^ w[j - 9] ^ rotl(w[j - 3], 15)) ^ rotl(w[j - 13], 7) ^ w[j - 6]) >>> 0;
  }
  for (let j = 0; j < 64; j++) {
    w1[j] = (w[j] ^ w[j + 4]) >>> 0;
  }
  let [a, b, c, d, e, f, g, h] = v;
  for (let j = 0; j < 64; j++) {
    const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
    const ss1 = rotl((rotl(a, 12) + e + rotl(t, j)) >>> 0, 7);
    const ss2 = (ss1 ^ rotl(a, 12)) >>> 0;
    const ff = j < 16 ? (a ^ b ^ c) : ((a & b) | (a & c) | (b & c));
    const gg = j < 16 ? (e ^ f ^ g) : ((e & f) | (~e & g));
    const tt1 = (ff + d + ss2 + w1[j]) >>> 0;
    const tt2 = (gg + h + ss1 + w[j]) >>> 0;
    d = c;
    c = rotl(b, 9);
    b = a;
    a = tt1;
    h = g;
    g = rotl(f, 19);
    f = e;
    e = p0(tt2);
  }
  return [a ^ v[0], b ^ v[1], c ^ v[2], d ^ v[3], e ^ v[4], f ^ v[5], g ^ v[6], h ^ v[7]].map(x => x >>> 0);
}

/** SM3 of the bytes given (a Uint8Array, or several concatenated): 32 bytes. */
export function sm3(...parts) {
  const message = concat(...parts);
  const bitLength = BigInt(message.length) * 8n;
  const padded = new Uint8Array(Math.ceil((message.length + 9) / 64) * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  for (let i = 0; i < 8; i++) {
    padded[padded.length - 1 - i] = Number((bitLength >> BigInt(8 * i)) & 0xffn);
  }
  let v = IV.slice();
  for (let offset = 0; offset < padded.length; offset += 64) {
    v = compress(v, padded.subarray(offset, offset + 64));
  }
  const digest = new Uint8Array(32);
  v.forEach((word, i) => {
    digest[4 * i] = word >>> 24;
    digest[4 * i + 1] = (word >>> 16) & 0xff;
    digest[4 * i + 2] = (word >>> 8) & 0xff;
    digest[4 * i + 3] = word & 0xff;
  });
  return digest;
}

export function concat(...parts) {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const utf8 = text => new TextEncoder().encode(text);
export const hex = bytes => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');

export function fromBase64(text) {
  const binary = atob(text);
  return Uint8Array.from(binary, c => c.charCodeAt(0));
}

export const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
