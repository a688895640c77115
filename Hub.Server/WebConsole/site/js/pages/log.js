// AUDITOR: the access log with filters, newest first (AuditService.QueryAccessLog).
import { post } from '../api.js';
import { el, table, errorBox, timeText, enumText } from '../dom.js';

const ID_TYPES = ['HOLDER_ID_TYPE_CITIZEN_ID', 'HOLDER_ID_TYPE_USCC', 'HOLDER_ID_TYPE_PASSPORT'];

export const holderInputs = (prefix = '') => [
  el('label', {}, 'Holder ID type', el('select', { name: `${prefix}idType` }, el('option', { value: '' }, '—'), ID_TYPES.map(t => el('option', { value: t }, enumText(t, 'HOLDER_ID_TYPE_'))))),
  el('label', {}, 'Holder ID number', el('input', { name: `${prefix}idNumber`, autocomplete: 'off', size: 20 })),
];

export const callerText = e => [e.callerOrgName || e.callerId, e.callerSystemName ? el('div', { className: 'muted' }, e.callerSystemName) : null];

export function renderLog(view, params) {
  const form = el('form', { className: 'filters', id: 'log-filters' },
    el('label', {}, 'Caller ID', el('input', { name: 'callerId', size: 36, value: params.get('callerId') ?? '' })),
    holderInputs(),
    el('label', {}, 'Matter code', el('input', { name: 'matterCode', value: params.get('matterCode') ?? '' })),
    el('label', {}, 'Action', el('input', { name: 'action', placeholder: 'verification.VerifyLicense', value: params.get('action') ?? '' })),
    el('label', {}, 'From', el('input', { name: 'from', type: 'datetime-local' })),
    el('label', {}, 'To', el('input', { name: 'to', type: 'datetime-local' })),
    el('button', { className: 'primary', type: 'submit' }, 'Filter'));
  const results = el('div', { id: 'log-results' });
  view.show(el('h1', {}, '访问日志 · Access log'), form, results);

  let pageToken = '';
  let latest = 0;
  const load = async append => {
    // Only the last search shows: the first (unfiltered) list must not land over a filtered one asked for after it.
    const id = ++latest;
    const f = new FormData(form);
    const request = { pageSize: 50, pageToken: append ? pageToken : '' };
    for (const name of ['callerId', 'matterCode', 'action']) if (f.get(name)) request[name] = f.get(name).trim();
    if (f.get('idType') && f.get('idNumber')) request.holder = { idType: f.get('idType'), idNumber: f.get('idNumber').trim() };
    for (const name of ['from', 'to']) if (f.get(name)) request[name] = new Date(f.get(name)).toISOString();
    try {
      const response = await post('/v1/access-log:query', request);
      if (id !== latest) return;
      pageToken = response.nextPageToken ?? '';
      const rows = (response.entries ?? []).map(e => ({
        key: e.logIndex ?? '0',
        cells: [e.logIndex ?? '0', timeText(e.occurredAt), callerText(e), e.action, e.matterCode || '—', e.purpose || '—', e.outcome],
      }));
      const list = table(['#', 'Time', 'Caller', 'Action', 'Matter', 'Purpose', 'Outcome'], rows, index => { location.hash = `#/log/${index}`; });
      const more = pageToken ? el('button', { onclick: () => load(true) }, 'More') : null;
      if (append) {
        results.querySelector('tbody').append(...list.querySelectorAll('tbody tr'));
        results.querySelector('button')?.remove();
        if (more) results.append(more);
      } else {
        results.replaceChildren(rows.length ? list : el('p', { className: 'muted' }, 'No entry matches.'), more ?? '');
      }
    } catch (error) {
      if (id === latest) results.replaceChildren(errorBox(error));
    }
  };
  form.addEventListener('submit', event => { event.preventDefault(); load(false); });
  load(false);
}
