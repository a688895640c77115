// AUDITOR: the log keys this browser trusts. An auditor pins them once, after checking their ids out of band
// (hubctl keys list --save-pem writes the same PEM files); a checkpoint signed by any other key is refused.
import { get } from '../api.js';
import { el, errorBox } from '../dom.js';
import { publicKeyFromPem, keyId } from '../sm2.js';

const PINNED = 'hub.console.pinnedKeys';
const ORIGIN = 'hub.console.origin';
const DEFAULT_ORIGIN = 'hub.xa.gov.cn/access-log';

export function trust() {
  let pems = [];
  try {
    pems = JSON.parse(localStorage.getItem(PINNED) ?? '[]');
  } catch {
    pems = [];
  }
  return { pems, origin: localStorage.getItem(ORIGIN) || DEFAULT_ORIGIN };
}

function pin(pem) {
  const key = publicKeyFromPem(pem);
  const { pems } = trust();
  if (!pems.some(p => keyId(publicKeyFromPem(p)) === keyId(key))) pems.push(pem.trim() + '\n');
  localStorage.setItem(PINNED, JSON.stringify(pems));
  return keyId(key);
}

export function renderKeys(view) {
  const { pems, origin } = trust();
  const message = el('div', { id: 'keys-message' });
  const list = el('ul', { id: 'pinned-keys' }, pems.map(pem => {
    const id = keyId(publicKeyFromPem(pem));
    return el('li', { 'data-key-id': id }, el('code', {}, id), ' ', el('button', {
      onclick: () => {
        localStorage.setItem(PINNED, JSON.stringify(trust().pems.filter(p => keyId(publicKeyFromPem(p)) !== id)));
        renderKeys(view);
      },
    }, 'Unpin'));
  }));
  const form = el('form', { className: 'stack', id: 'pin-form' },
    el('label', {}, 'Log origin (the checkpoint\'s first line)', el('input', { name: 'origin', value: origin })),
    el('label', {}, 'SM2 public key (PEM, from hubctl keys list --save-pem)', el('textarea', { name: 'pem', rows: 5, cols: 64, placeholder: '-----BEGIN PUBLIC KEY-----' })),
    el('button', { className: 'primary', type: 'submit' }, 'Pin'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const f = new FormData(form);
    localStorage.setItem(ORIGIN, (f.get('origin') || DEFAULT_ORIGIN).trim());
    if (!f.get('pem')) {
      renderKeys(view);
      return;
    }
    try {
      const id = pin(f.get('pem'));
      renderKeys(view);
      document.getElementById('keys-message').replaceChildren(el('p', {}, `Pinned ${id}.`));
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  });
  const offered = el('div', {});
  const offer = el('button', {
    onclick: async () => {
      try {
        const keys = (await get('/v1/signing-keys')).keys ?? [];
        offered.replaceChildren(el('p', { className: 'muted' }, 'The hub says these are its keys. Pin one only after checking its id out of band (a letter, a phone call, the gazette): the hub being audited must not choose the keys it is checked with.'),
          el('ul', {}, keys.map(k => el('li', {}, el('code', {}, k.keyId), ` ${k.status.replace('KEY_STATUS_', '')} `,
            el('button', { 'data-pin': k.keyId, onclick: () => { pin(k.publicKeyPem); renderKeys(view); } }, 'Pin this key')))));
      } catch (error) {
        offered.replaceChildren(errorBox(error));
      }
    },
  }, 'Show the hub\'s keys');
  view.show(el('h1', {}, '信任的日志密钥 · Pinned log keys'),
    el('p', {}, 'Proofs are checked in this browser against these keys only; they are kept in this browser (localStorage), not on the hub.'),
    pems.length ? list : el('p', { className: 'muted', id: 'pinned-keys' }, 'No key pinned yet: every proof check will fail until you pin the log\'s key.'),
    message, form, el('h2', {}, 'Compare with the hub'), offer, offered);
}
