// The grant queue: providers decide pending grants before their due date (5 working days); overdue ones in red for
// the platform team's follow-up; consumers see their own.
import { get, post } from '../api.js';
import { el, table, errorBox, dateText, timeText, enumText } from '../dom.js';

const STATUSES = ['', 'GRANT_STATUS_PENDING', 'GRANT_STATUS_OVERDUE', 'GRANT_STATUS_APPROVED', 'GRANT_STATUS_REJECTED', 'GRANT_STATUS_EXPIRED', 'GRANT_STATUS_REVOKED'];
const undecided = g => g.status === 'GRANT_STATUS_PENDING' || g.status === 'GRANT_STATUS_OVERDUE';

export async function renderGrants(view, params, roles) {
  const status = params.get('status') ?? '';
  const filter = el('form', { className: 'filters' },
    el('label', {}, 'Status', el('select', { name: 'status', onchange: e => { location.hash = `#/grants?status=${e.target.value}`; } },
      STATUSES.map(s => el('option', { value: s, selected: s === status }, s ? enumText(s, 'GRANT_STATUS_') : 'all')))));
  const message = el('div', { id: 'grants-message' });
  view.show(el('h1', {}, '共享申请 · Grants'), filter, message, el('p', {}, 'Loading…'));
  const decides = roles.has('ROLE_PROVIDER');
  try {
    const grants = (await get('/v1/grants', { pageSize: 200, status })).grants ?? [];
    const decide = async (grant, approve) => {
      const reason = approve ? '' : prompt('Why is the grant refused? (the consumer sees this)');
      if (!approve && !reason) return;
      try {
        const decided = (await post(`/v1/grants/${grant.grantId}:decide`, { requestId: crypto.randomUUID(), grantId: grant.grantId, approve, reason })).grant;
        await renderGrants(view, params, roles);
        document.getElementById('grants-message').replaceChildren(el('p', { role: 'status' }, `Grant ${decided.grantId} is now ${enumText(decided.status, 'GRANT_STATUS_')}.`));
      } catch (error) {
        message.replaceChildren(errorBox(error));
      }
    };
    const rows = grants.map(g => ({
      key: g.grantId,
      cells: [
        el('span', {}, g.resourceName || g.resourceCode, el('div', { className: 'muted' }, g.resourceCode)),
        g.consumerOrgCode, (g.fields ?? []).join(', '), g.purpose, timeText(g.requestedAt),
        el('span', { className: g.status === 'GRANT_STATUS_OVERDUE' ? 'overdue' : '', 'data-status': g.status }, enumText(g.status, 'GRANT_STATUS_')),
        el('span', { className: g.status === 'GRANT_STATUS_OVERDUE' ? 'overdue' : '' }, dateText(g.dueOn)),
        decides && undecided(g)
          ? el('span', {}, el('button', { className: 'primary', 'data-approve': g.grantId, onclick: () => decide(g, true) }, 'Approve'), ' ', el('button', { 'data-refuse': g.grantId, onclick: () => decide(g, false) }, 'Refuse'))
          : (g.decisionReason || ''),
      ],
    }));
    view.show(el('h1', {}, '共享申请 · Grants'), filter, message,
      rows.length ? table(['Resource', 'Consumer', 'Fields', 'Purpose', 'Requested', 'Status', 'Due', decides ? 'Decide' : 'Reason'], rows) : el('p', { className: 'muted' }, 'No grant.'));
  } catch (error) {
    view.show(el('h1', {}, 'Grants'), filter, errorBox(error));
  }
}
