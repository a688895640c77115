// SM2 signature verification (GB/T 32918.2-2016) with SM3 and the default distinguishing ID, for the console's
// in-browser proof checks. Verification uses only public values, so plain BigInt arithmetic (not constant-time) is
// fine here; nothing in the browser signs.
import { sm3, utf8, hex } from './sm3.js';

const P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFFn;
const A = P - 3n;
const B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93n;
const N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123n;
const G = {
  x: 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7n,
  y: 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0n,
};
const DEFAULT_ID = utf8('1234567812345678');
// 1.2.156.10197.1.301 (sm2p256v1) and 1.2.840.10045.2.1 (id-ecPublicKey), DER-encoded.
const SM2_CURVE_OID = '2a811ccf5501822d';
const EC_PUBLIC_KEY_OID = '2a8648ce3d0201';

const mod = (a, m) => ((a % m) + m) % m;

function inverse(a, m) {
  // Extended Euclid; inputs are public.
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return mod(s0, m);
}

// Affine points; null is the point at infinity.
function add(p, q) {
  if (p === null) return q;
  if (q === null) return p;
  if (p.x === q.x) {
    if (mod(p.y + q.y, P) === 0n) return null;
    const l = mod((3n * p.x * p.x + A) * inverse(2n * p.y, P), P);
    const x = mod(l * l - 2n * p.x, P);
    return { x, y: mod(l * (p.x - x) - p.y, P) };
  }
  const l = mod((q.y - p.y) * inverse(q.x - p.x, P), P);
  const x = mod(l * l - p.x - q.x, P);
  return { x, y: mod(l * (p.x - x) - p.y, P) };
}

function multiply(k, point) {
  let result = null;
  let addend = point;
  while (k > 0n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
    k >>= 1n;
  }
  return result;
}

const onCurve = p => mod(p.y * p.y - (p.x * p.x * p.x + A * p.x + B), P) === 0n;
const toBigInt = bytes => (bytes.length === 0 ? 0n : BigInt('0x' + hex(bytes)));

function toBytes32(value) {
  const text = value.toString(16).padStart(64, '0');
  return Uint8Array.from(text.match(/../g), h => parseInt(h, 16));
}

// Minimal DER reading: tag, length, content; enough for SubjectPublicKeyInfo and an ECDSA-style signature.
function readTlv(bytes, offset) {
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 2) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | bytes[offset + 2 + i];
    header += count;
  }
  const start = offset + header;
  if (start + length > bytes.length) throw new Error('truncated DER');
  return { tag, content: bytes.subarray(start, start + length), end: start + length };
}

/** The public point of a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) on the SM2 curve; throws for anything else. */
export function publicKeyFromPem(pem) {
  const body = pem.replace(/-----BEGIN PUBLIC KEY-----|-----END PUBLIC KEY-----|\s/g, '');
  if (!/^[A-Za-z0-9+/=]+$/.test(body) || !pem.includes('BEGIN PUBLIC KEY')) throw new Error('not a PEM public key');
  const spki = Uint8Array.from(atob(body), c => c.charCodeAt(0));
  const outer = readTlv(spki, 0);
  if (outer.tag !== 0x30 || outer.end !== spki.length) throw new Error('not a SubjectPublicKeyInfo');
  const algorithm = readTlv(outer.content, 0);
  const keyType = readTlv(algorithm.content, 0);
  const curve = readTlv(algorithm.content, keyType.end);
  if (hex(keyType.content) !== EC_PUBLIC_KEY_OID || hex(curve.content) !== SM2_CURVE_OID) throw new Error('not an SM2 public key');
  const bits = readTlv(outer.content, algorithm.end);
  const point = bits.content.subarray(1);
  if (bits.tag !== 0x03 || bits.content[0] !== 0 || point.length !== 65 || point[0] !== 0x04) throw new Error('not an uncompressed SM2 point');
  const key = { x: toBigInt(point.subarray(1, 33)), y: toBigInt(point.subarray(33)), spki };
  if (key.x >= P || key.y >= P || !onCurve(key)) throw new Error('the point is not on the SM2 curve');
  return key;
}

function signatureFromDer(der) {
  const sequence = readTlv(der, 0);
  if (sequence.tag !== 0x30 || sequence.end !== der.length) throw new Error('not a DER signature');
  const r = readTlv(sequence.content, 0);
  const s = readTlv(sequence.content, r.end);
  if (r.tag !== 0x02 || s.tag !== 0x02 || s.end !== sequence.content.length) throw new Error('not a DER signature');
  return { r: toBigInt(r.content), s: toBigInt(s.content) };
}

/** Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ G ‖ public key), the signer's identity bound into every signature. */
function identityHash(key, id) {
  const entl = id.length * 8;
  return sm3(Uint8Array.of(entl >> 8, entl & 0xff), id, toBytes32(A), toBytes32(B), toBytes32(G.x), toBytes32(G.y), toBytes32(key.x), toBytes32(key.y));
}

/** True when the DER SM2-with-SM3 signature over message (bytes) verifies with the key (from publicKeyFromPem). */
export function verify(key, message, signatureDer, id = DEFAULT_ID) {
  let signature;
  try {
    signature = signatureFromDer(signatureDer);
  } catch {
    return false;
  }
  const { r, s } = signature;
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const e = toBigInt(sm3(identityHash(key, id), message));
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const point = add(multiply(s, G), multiply(t, key));
  if (point === null) return false;
  return mod(e + point.x, N) === r;
}

/** The hub's key id of a public key: the first 16 hex digits of SM3 over its SubjectPublicKeyInfo DER. */
export const keyId = key => hex(sm3(key.spki)).slice(0, 16);

