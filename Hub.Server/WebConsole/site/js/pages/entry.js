// AUDITOR: one entry of the access log, and the proof that it is in the signed log, checked in this browser.
import { get } from '../api.js';
import { el, errorBox } from '../dom.js';
import { checkInclusion } from '../transparency.js';
import { trust } from './keys.js';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

export async function renderEntry(view, index) {
  view.show(el('h1', {}, `访问日志 · Entry ${index}`), el('p', {}, 'Loading…'));
  let entry;
  try {
    entry = (await get('/v1/access-log/entries', { fromIndex: index, count: 1 })).entries?.[0];
  } catch (error) {
    view.show(el('h1', {}, `Entry ${index}`), errorBox(error));
    return;
  }
  if (!entry) {
    view.show(el('h1', {}, `Entry ${index}`), el('p', { className: 'error' }, 'No such entry.'));
    return;
  }

  let parsed = {};
  try {
    parsed = JSON.parse(entry.entryJson);
  } catch {
    // Shown raw below; the proof check says whether it is what was logged.
  }
  const fields = el('dl', { className: 'fields' }, Object.entries(parsed).flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, Array.isArray(value) ? value.join(', ') : String(value))]));
  const verdict = el('div', { id: 'verdict' });
  const button = el('button', { className: 'primary', id: 'verify-in-browser', onclick: () => verifyInBrowser(index, entry.entryJson, verdict) }, '在浏览器中验证 · Verify in the browser');
  view.show(el('p', {}, el('a', { href: '#/log' }, '← Access log')), el('h1', {}, `访问日志 · Entry ${index}`), fields,
    el('h2', {}, 'Canonical entry (its SM3 leaf is in the Merkle tree)'), el('pre', { id: 'entry-json' }, entry.entryJson),
    el('p', {}, button, ' ', el('span', { className: 'muted' }, 'SM3, the Merkle path and the checkpoint\'s SM2 signature are computed here, against the keys you pinned.')), verdict);
}

async function verifyInBrowser(index, entryJson, verdict) {
  verdict.replaceChildren(el('p', {}, 'Checking…'));
  const { pems, origin } = trust();
  let result;
  try {
    // The newest checkpoint may not cover an entry written a moment ago: wait for the next one (every 500 ms).
    let checkpoint = await get('/v1/access-log/checkpoint');
    for (let i = 0; i < 10 && BigInt(checkpoint.treeSize ?? 0) <= BigInt(index); i++) {
      await sleep(500);
      checkpoint = await get('/v1/access-log/checkpoint');
    }
    // The size comes from the signed body, never from the response's unsigned convenience fields.
    const signedSize = checkpoint.checkpoint.split('\n')[1];
    const proof = await get(`/v1/access-log/entries/${index}/inclusion-proof`, { treeSize: signedSize });
    const keys = await get('/v1/signing-keys');
    result = checkInclusion({ entryJson, logIndex: index, checkpoint, proof, pinnedPems: pems, origin });
    const revoked = (keys.keys ?? []).find(k => k.keyId === checkpoint.keyId && k.status === 'KEY_STATUS_REVOKED');
    if (revoked) {
      result.steps.push({ name: 'not revoked', ok: false, detail: `key ${checkpoint.keyId} was revoked at ${revoked.notAfter}` });
      result.ok = false;
    }
  } catch (error) {
    result = { ok: false, steps: [{ name: 'fetch', ok: false, detail: error.message }] };
  }
  verdict.replaceChildren(el('div', { className: `verdict ${result.ok ? 'ok' : 'bad'}`, 'data-verdict': result.ok ? 'valid' : 'invalid' },
    el('h3', {}, result.ok ? '✓ 验证通过 · The entry is in the signed log' : '✗ 验证失败 · The entry is NOT proven'),
    el('ul', {}, result.steps.map(s => el('li', { className: s.ok ? 'ok' : 'bad', 'data-step': s.name }, el('strong', {}, s.name), ': ', s.detail)))));
}
