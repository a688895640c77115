// AUDITOR: what deserves a closer look — a system touching many distinct holders, calls outside working hours,
// refusals. Each caller links to its entries in the log.
import { get } from '../api.js';
import { el, table, errorBox, timeText } from '../dom.js';

export async function renderAnomalies(view, params) {
  const form = el('form', { className: 'filters', id: 'anomaly-form' },
    el('label', {}, 'Days back', el('input', { name: 'days', type: 'number', min: 1, max: 92, value: params.get('days') ?? 7 })),
    el('label', {}, 'Distinct holders from', el('input', { name: 'holders', type: 'number', min: 2, value: params.get('holders') ?? 50 })),
    el('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const f = new FormData(form);
    location.hash = `#/anomalies?days=${f.get('days')}&holders=${f.get('holders')}`;
  });
  view.show(el('h1', {}, '异常访问 · Anomalies'), form, el('p', {}, 'Loading…'));
  const to = new Date();
  const from = new Date(to.getTime() - Number(params.get('days') ?? 7) * 86_400_000);
  try {
    const a = await get('/v1/console/anomalies', { from: from.toISOString(), to: to.toISOString(), distinctHolders: params.get('holders') ?? '' });
    const section = (id, title, rows, countHeading) => [el('h2', {}, title),
      rows?.length
        ? el('div', { id }, table(['Caller', countHeading, 'Detail', 'Last'], rows.map(r => ({
          key: r.callerId, cells: [el('a', { href: `#/log?callerId=${r.callerId}` }, r.callerOrgName || r.callerId, r.callerSystemName ? ` · ${r.callerSystemName}` : ''), r.count ?? 0, r.detail, timeText(r.lastAt)],
        }))))
        : el('p', { className: 'muted', id }, 'None.')];
    view.show(el('h1', {}, '异常访问 · Anomalies'), form, el('p', { className: 'muted' }, `${timeText(a.from)} – ${timeText(a.to)}`),
      section('many-holders', '接触大量持证人 · Callers touching many distinct holders', a.manyHolders, 'Distinct holders'),
      section('after-hours', '非工作时间访问 · Calls outside working hours (08:00–18:00 on working days)', a.afterHours, 'Entries'),
      section('refusals', '被拒绝的访问 · Refused calls', a.refusals, 'Refused'));
  } catch (error) {
    view.show(el('h1', {}, 'Anomalies'), form, errorBox(error));
  }
}
