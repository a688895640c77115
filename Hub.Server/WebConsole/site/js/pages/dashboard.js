// Platform teams and auditors: the day's 免证办 figures and the measures 考核 asks for (在线服务成效度: checks per
// matter, the share of materials waived, average response), with this replica's response times and providers.
import { get } from '../api.js';
import { el, table, errorBox, dateText, timeText } from '../dom.js';
import { barChart, lineChart } from '../charts.js';

const percent = (part, whole) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '—');
const number = value => Number(value ?? 0);
const card = (id, label, figure, note) => el('div', { className: 'card', id }, el('div', { className: 'muted' }, label), el('div', { className: 'figure' }, figure), note ? el('div', { className: 'muted' }, note) : null);

export async function renderDashboard(view, params) {
  const day = params.get('day') ?? '';
  const picker = el('form', { className: 'filters', id: 'day-form' }, el('label', {}, 'Day (Asia/Shanghai)', el('input', { type: 'date', name: 'day', value: day })), el('button', { type: 'submit' }, 'Show'));
  picker.addEventListener('submit', event => {
    event.preventDefault();
    location.hash = `#/dashboard?day=${new FormData(picker).get('day')}`;
  });
  view.show(el('h1', {}, '运行概览 · Dashboard'), picker, el('p', {}, 'Loading…'));
  const query = {};
  if (day) {
    const [year, month, dd] = day.split('-').map(Number);
    Object.assign(query, { 'day.year': year, 'day.month': month, 'day.day': dd });
  }
  try {
    const f = await get('/v1/console/figures', query);
    const checks = number(f.checks);
    const waived = number(f.materialsWaived);
    const checked = number(f.materialsChecked);
    const matters = f.matters ?? [];
    const checkMatter = (f.methods ?? []).find(m => m.method.endsWith('/CheckMatter'));
    const hours = Array.from({ length: 24 }, (_, h) => (f.hours ?? []).find(x => x.hour === h || (h === 0 && x.hour === undefined)) ?? { hour: h });
    view.show(el('h1', {}, `运行概览 · Dashboard ${dateText(f.day)}`), picker,
      el('div', { className: 'cards' },
        card('figure-checks', '免证办核验 CheckMatter calls', checks),
        card('figure-waived', '免提交材料 materials waived', waived, `of ${checked} checked`),
        card('figure-waived-share', '免提交率 waived share', percent(waived, checked)),
        card('figure-average', '平均响应 CheckMatter average', checkMatter ? `${checkMatter.averageMs.toFixed(1)} ms` : '—', `this replica since ${timeText(f.responseTimesSince)}`)),
      el('h2', {}, '考核：按事项 · Checks and waived materials per matter'),
      matters.length
        ? [barChart('Checks per matter, waived materials darker', matters.map(m => ({ label: m.matterCode, value: number(m.materialsChecked), part: number(m.materialsWaived), title: `${m.matterName || m.matterCode}: ${number(m.materialsWaived)} of ${number(m.materialsChecked)} materials waived in ${number(m.checks)} checks` })), { partLabel: 'waived' }),
          table(['Matter', 'Name', 'Checks', 'Materials waived', 'Waived share'], matters.map(m => ({
            key: m.matterCode, cells: [m.matterCode, m.matterName, number(m.checks), `${number(m.materialsWaived)} / ${number(m.materialsChecked)}`, percent(number(m.materialsWaived), number(m.materialsChecked))],
          })))]
        : el('p', { className: 'muted' }, 'No 免证办 check on this day.'),
      el('h2', {}, '访问量（按小时）· Access-log entries by hour'),
      barChart('Entries by hour', hours.map(h => ({ label: String(h.hour ?? 0), value: number(h.entries), part: number(h.refusals), title: `${h.hour ?? 0}:00 — ${number(h.entries)} entries, ${number(h.refusals)} refused` })), { partLabel: 'refused' }),
      el('h2', {}, '响应时间（最近 60 分钟，本节点）· Average response, last 60 minutes, this replica'),
      lineChart('Average response per minute', (f.minutes ?? []).map(m => ({ label: new Date(m.minute).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false }), value: m.averageMs ?? 0 })), ' ms'),
      table(['RPC', 'Calls', 'Errors', 'Average ms'], (f.methods ?? []).slice(0, 15).map(m => ({ key: m.method, cells: [m.method, number(m.calls), number(m.errors), (m.averageMs ?? 0).toFixed(2)] }))),
      el('h2', {}, '数据提供方 · Providers (this replica)'),
      (f.providers ?? []).length
        ? table(['Provider', 'Calls', 'Failures', 'Average ms', 'Last failure'], f.providers.map(p => ({
          key: p.providerOrgCode,
          cells: [p.providerOrgCode, number(p.calls), el('span', { className: number(p.failures) > 0 ? 'failing' : '' }, number(p.failures)), (p.averageMs ?? 0).toFixed(1), p.lastFailure ? `${p.lastFailure} at ${timeText(p.lastFailureAt)}` : '—'],
        })))
        : el('p', { className: 'muted' }, 'No provider called since this replica started.'));
  } catch (error) {
    view.show(el('h1', {}, 'Dashboard'), picker, errorBox(error));
  }
}
