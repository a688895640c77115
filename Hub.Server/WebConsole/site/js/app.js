// The console's shell: sign-in with a caller's API key, the pages that caller's roles allow, a hash router.
// The hub checks every call itself; hiding a page only spares a user a refusal.
import { session, get } from './api.js';
import { el, newView, errorBox, enumText } from './dom.js';
import { renderLog } from './pages/log.js';
import { renderEntry } from './pages/entry.js';
import { renderKeys } from './pages/keys.js';
import { renderHolder } from './pages/holder.js';
import { renderCatalogue, renderResources } from './pages/catalogue.js';
import { renderGrants } from './pages/grants.js';
import { renderDashboard } from './pages/dashboard.js';
import { renderAnomalies } from './pages/anomalies.js';

const PAGES = [
  { path: 'dashboard', title: '概览 Dashboard', roles: ['ROLE_CATALOGUE', 'ROLE_AUDITOR'], render: (view, rest, params) => renderDashboard(view, params) },
  { path: 'log', title: '访问日志 Log', roles: ['ROLE_AUDITOR'], render: (view, rest, params) => (rest ? renderEntry(view, rest) : renderLog(view, params)) },
  { path: 'anomalies', title: '异常 Anomalies', roles: ['ROLE_AUDITOR'], render: (view, rest, params) => renderAnomalies(view, params) },
  { path: 'holder', title: '持证人记录 Holder', roles: ['ROLE_AUDITOR'], render: view => renderHolder(view) },
  { path: 'keys', title: '密钥 Keys', roles: ['ROLE_AUDITOR'], render: view => renderKeys(view) },
  { path: 'catalogue', title: '目录 Catalogue', roles: null, render: view => renderCatalogue(view) },
  { path: 'resources', title: '数据资源 Resources', roles: null, render: (view, rest) => renderResources(view, rest && decodeURIComponent(rest)) },
  { path: 'grants', title: '共享申请 Grants', roles: ['ROLE_PROVIDER', 'ROLE_CATALOGUE', 'ROLE_CONSUMER'], render: (view, rest, params, roles) => renderGrants(view, params, roles) },
];

let me = null;

const allowed = page => page.roles === null || page.roles.some(r => me.roles.has(r));

function renderChrome(current) {
  document.getElementById('nav').replaceChildren(...(me ? PAGES.filter(allowed).map(p => el('a', { href: `#/${p.path}`, className: p.path === current ? 'current' : '' }, p.title)) : []));
  document.getElementById('who').replaceChildren(...(me
    ? [el('span', { id: 'signed-in-as' }, `${me.orgName} · ${me.systemName} (${[...me.roles].map(r => enumText(r, 'ROLE_')).join(', ')})`),
      el('button', { id: 'sign-out', onclick: () => { session.key = null; me = null; location.hash = '#/signin'; } }, 'Sign out')]
    : []));
}

function renderSignIn(error) {
  renderChrome(null);
  const form = el('form', { className: 'stack', id: 'sign-in' },
    el('label', {}, 'API key of your system (hub_…)', el('input', { name: 'apiKey', type: 'password', autocomplete: 'off', required: true, size: 60 })),
    el('button', { className: 'primary', type: 'submit' }, '登录 · Sign in'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    session.key = new FormData(form).get('apiKey').trim();
    me = null;
    await route();
  });
  newView().show(el('h1', {}, 'Hub 控制台 · Sign in'),
    el('p', {}, 'Sign in with your system\'s API key (kept in this tab only), or with the client certificate registered to it.'),
    error ? errorBox(error) : null, form);
}

async function route() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const [name, ...rest] = path.split('/');
  if (!me) {
    // Without a key the browser may still hold a registered client certificate: ask the hub who this is either way.
    const hadKey = Boolean(session.key);
    try {
      const s = await get('/v1/session');
      me = { ...s, roles: new Set(s.roles ?? []) };
    } catch (error) {
      session.key = null;
      renderSignIn(hadKey ? error : null);
      return;
    }
  }
  const page = PAGES.find(p => p.path === name) ?? PAGES.find(allowed);
  const view = newView();
  renderChrome(page.path);
  if (!allowed(page)) {
    view.show(el('h1', {}, page.title), el('p', { className: 'error', id: 'not-allowed', role: 'alert' },
      `This page needs ${page.roles.map(r => enumText(r, 'ROLE_')).join(' or ')}; your system has ${[...me.roles].map(r => enumText(r, 'ROLE_')).join(', ') || 'no role'}.`));
    return;
  }
  try {
    await page.render(view, rest.join('/'), new URLSearchParams(query ?? ''), me.roles);
  } catch (error) {
    view.show(errorBox(error));
  }
}

window.addEventListener('hashchange', route);
route();
