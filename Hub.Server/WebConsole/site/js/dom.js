// Building pages without innerHTML: everything shown comes from the hub (purposes, names typed by other systems),
// so it is always set as text, never parsed as markup.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'className') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function show(...nodes) {
  const main = document.getElementById('main');
  main.replaceChildren(...nodes.flat());
}

let latest = 0;

/**
 * A page's view of the main area: what a page shows after an await lands only if no other page was opened
 * meanwhile (a slow list must not overwrite the page the user went on to).
 */
export function newView() {
  const id = ++latest;
  return { show: (...nodes) => { if (id === latest) show(...nodes); } };
}

export const errorBox = error => el('p', { className: 'error', role: 'alert' }, error.message ?? String(error));

/** A table from rows; onRow makes a row clickable. */
export function table(headings, rows, onRow) {
  return el('table', {},
    el('thead', {}, el('tr', {}, headings.map(h => el('th', {}, h)))),
    el('tbody', {}, rows.map(({ cells, key }) => el('tr', onRow ? { className: 'clickable', tabindex: 0, 'data-key': key, onclick: () => onRow(key) } : { 'data-key': key },
      cells.map(c => el('td', {}, c))))));
}

const LEVELS = { DATA_LEVEL_L1_PUBLIC: [1, 'L1 公开'], DATA_LEVEL_L2_INTERNAL: [2, 'L2 内部'], DATA_LEVEL_L3_SENSITIVE: [3, 'L3 敏感'], DATA_LEVEL_L4_HIGHLY_SENSITIVE: [4, 'L4 高敏感'] };

/** A field's classification level as a coloured badge (the level's colour; the name in text, not colour alone). */
export function levelBadge(level) {
  const [n, label] = LEVELS[level] ?? [0, level ?? '—'];
  return el('span', { className: `badge level-${n}`, 'data-level': n }, label);
}

export const dateText = d => (d?.year ? `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : '—');
export const timeText = t => (t ? new Date(t).toLocaleString('zh-CN', { hour12: false }) : '—');
export const enumText = (value, prefix) => (value ?? '').replace(prefix, '');
