// AUDITOR: one holder's history as a timeline — who used their data, when, for which matter and why.
import { post } from '../api.js';
import { el, errorBox, timeText } from '../dom.js';
import { holderInputs, callerText } from './log.js';

export function renderHolder(view) {
  const form = el('form', { className: 'filters', id: 'holder-form' }, holderInputs(), el('button', { className: 'primary', type: 'submit' }, 'Show history'));
  const results = el('div', { id: 'holder-results' });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const f = new FormData(form);
    try {
      const response = await post('/v1/access-log:holderHistory', { holder: { idType: f.get('idType'), idNumber: (f.get('idNumber') ?? '').trim() }, pageSize: 100 });
      const entries = response.entries ?? [];
      results.replaceChildren(entries.length
        ? el('ol', { className: 'timeline' }, entries.map(e => el('li', { 'data-log-index': e.logIndex ?? '0' },
          el('div', {}, el('strong', {}, timeText(e.occurredAt)), ' · ', el('a', { href: `#/log/${e.logIndex ?? 0}` }, `#${e.logIndex ?? 0}`)),
          el('div', {}, callerText(e)),
          el('div', {}, `${e.action} · ${e.outcome}${e.matterCode ? ` · 事项 ${e.matterCode}` : ''}`),
          e.purpose ? el('div', { className: 'muted' }, `用途: ${e.purpose}`) : null,
          e.delegateLabel ? el('div', { className: 'muted' }, `受托人: ${e.delegateLabel} (${e.delegationId})`) : null)))
        : el('p', { className: 'muted' }, 'Nobody has used this holder\'s data.'));
    } catch (error) {
      results.replaceChildren(errorBox(error));
    }
  });
  view.show(el('h1', {}, '持证人访问记录 · A holder\'s history'), form, results);
}
