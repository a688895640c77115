// Platform teams (and any caller): license types, matters and their materials, data resources with field levels.
import { get } from '../api.js';
import { el, table, errorBox, levelBadge, enumText } from '../dom.js';

const fieldsWithLevels = fields => el('ul', { className: 'field-levels' }, (fields ?? []).map(f =>
  el('li', { 'data-field': f.name }, levelBadge(f.level), ' ', f.label ? `${f.label} (${f.name})` : f.name,
    f.mask && f.mask !== 'MASK_RULE_UNSPECIFIED' ? el('span', { className: 'muted' }, ` · ${enumText(f.mask, 'MASK_RULE_')}`) : null)));

export async function renderCatalogue(view) {
  view.show(el('h1', {}, '证照目录与事项 · License types and matters'), el('p', {}, 'Loading…'));
  try {
    const [types, matters] = await Promise.all([get('/v1/license-types', { pageSize: 200 }), get('/v1/matters', { pageSize: 200 })]);
    view.show(el('h1', {}, '证照目录与事项 · License types and matters'),
      el('h2', {}, '证照类型 · License types'),
      table(['Code', 'Name', 'Holder', 'Sharing', 'Face fields (level)'], (types.licenseTypes ?? []).map(t => ({
        key: t.typeCode, cells: [t.typeCode, t.name, enumText(t.holderKind, 'HOLDER_KIND_'), enumText(t.sharingType, 'SHARING_TYPE_'), fieldsWithLevels(t.fields)],
      }))),
      el('h2', {}, '事项与材料 · Matters and their materials'),
      table(['Code', 'Name', 'Department', 'Materials (replaced by)'], (matters.matters ?? []).map(m => ({
        key: m.matterCode,
        cells: [m.matterCode, m.name, m.departmentCode, el('ul', {}, (m.materials ?? []).map(x => el('li', {}, `${x.name} (${x.materialCode})`,
          el('span', { className: 'muted' }, ` ← ${(x.acceptedTypeCodes ?? []).join(', ') || '—'}${x.commitment ? ' · 承诺办' : ''}${x.deficiency ? ' · 容缺办' : ''}`))))],
      }))));
  } catch (error) {
    view.show(el('h1', {}, 'License types and matters'), errorBox(error));
  }
}

export async function renderResources(view, code) {
  try {
    if (code) {
      const r = (await get(`/v1/data-resources/${encodeURIComponent(code)}`)).dataResource;
      view.show(el('p', {}, el('a', { href: '#/resources' }, '← Data resources')), el('h1', {}, `${r.name} · ${r.resourceCode}`),
        el('dl', { className: 'fields' },
          el('dt', {}, 'Provider'), el('dd', {}, r.providerOrgCode),
          el('dt', {}, 'Sharing'), el('dd', {}, enumText(r.sharingType, 'SHARING_TYPE_'), r.sharingCondition ? ` — ${r.sharingCondition}` : ''),
          el('dt', {}, 'Key'), el('dd', {}, enumText(r.keyKind, 'HOLDER_ID_TYPE_')),
          el('dt', {}, 'Most sensitive'), el('dd', {}, levelBadge(r.maxLevel))),
        el('h2', {}, '字段分级 · Fields and their levels'),
        table(['Field', 'Label', 'Kind', 'Level', 'Mask'], (r.fields ?? []).map(f => ({
          key: f.name, cells: [f.name, f.label ?? '', enumText(f.kind, 'FIELD_KIND_'), levelBadge(f.level), enumText(f.mask, 'MASK_RULE_') || '—'],
        }))));
      return;
    }
    const list = await get('/v1/data-resources', { pageSize: 200 });
    view.show(el('h1', {}, '数据资源目录 · Data resources'),
      table(['Code', 'Name', 'Provider', 'Sharing', 'Most sensitive field'], (list.dataResources ?? []).map(r => ({
        key: r.resourceCode, cells: [r.resourceCode, r.name, r.providerOrgCode, enumText(r.sharingType, 'SHARING_TYPE_'), levelBadge(r.maxLevel)],
      })), resource => { location.hash = `#/resources/${encodeURIComponent(resource)}`; }));
  } catch (error) {
    view.show(el('h1', {}, 'Data resources'), errorBox(error));
  }
}
