// Checks a C2SP tlog-cosignature line with Node's own Ed25519, no project code:
//   node verify-cosignature.js <witness vkey> <checkpoint body file> <cosignature line>
// vkey = name+hex(key ID)+base64(0x04 || key); line = "— name base64(key ID[4] || u64 BE time || signature[64])";
// signed message = "cosignature/v1\ntime <t>\n" + body. Prints "OK <time>" and exits 0 when it verifies.
'use strict';
const crypto = require('crypto');
const fs = require('fs');

const [vkey, bodyFile, line] = process.argv.slice(2);
// The key is base64, which may itself contain '+': only the first two are separators.
const trimmed = vkey.trim();
const first = trimmed.indexOf('+');
const second = trimmed.indexOf('+', first + 1);
const [name, keyIdHex, keyB64] = [trimmed.slice(0, first), trimmed.slice(first + 1, second), trimmed.slice(second + 1)];
const raw = Buffer.from(keyB64, 'base64');
if (raw.length !== 33 || raw[0] !== 0x04) { console.error('not a cosignature/v1 verifier key'); process.exit(2); }
const publicKey = raw.subarray(1);
const keyId = crypto.createHash('sha256').update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([0x04]), publicKey])).digest().subarray(0, 4);
if (keyId.toString('hex') !== keyIdHex) { console.error('the verifier key\'s key ID does not match its key'); process.exit(2); }

const prefix = '— ' + name + ' ';
if (!line.startsWith(prefix)) { console.error('the line is not by ' + name); process.exit(1); }
const sig = Buffer.from(line.slice(prefix.length).trim(), 'base64');
if (sig.length !== 76 || !sig.subarray(0, 4).equals(keyId)) { console.error('wrong length or key ID'); process.exit(1); }
const time = sig.readBigUInt64BE(4);
const body = fs.readFileSync(bodyFile, 'utf8');
const message = Buffer.from('cosignature/v1\ntime ' + time.toString() + '\n' + body, 'utf8');
// An Ed25519 public key as SPKI DER: the fixed 12-byte prefix, then the 32 key bytes.
const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
const ok = crypto.verify(null, message, crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' }), sig.subarray(12));
console.log(ok ? 'OK ' + time.toString() : 'BAD');
process.exit(ok ? 0 : 1);
