// Small SVG charts drawn by the console itself: no charting library to fetch, vet or keep up to date on an isolated
// government network. Bars for counts by category, a line for values over time; every value also has a <title>,
// and every chart sits beside a table with the same numbers.
const SVG = 'http://www.w3.org/2000/svg';

function node(name, attributes = {}, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 40 };

function frame(label, max) {
  const svg = node('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label, class: 'chart' });
  const ticks = 4;
  for (let i = 0; i <= ticks; i++) {
    const y = PAD.top + ((HEIGHT - PAD.top - PAD.bottom) * i) / ticks;
    svg.append(node('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y, class: 'grid' }));
    const value = max * (1 - i / ticks);
    svg.append(node('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, Number.isInteger(value) ? value : value.toFixed(1)));
  }
  return svg;
}

const niceMax = max => {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
};

/** Bars: items [{label, value, title}], optionally stacked with a second value (part of value) drawn darker. */
export function barChart(label, items, { partLabel } = {}) {
  const max = niceMax(Math.max(0, ...items.map(i => i.value)));
  const svg = frame(label, max);
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const band = plotWidth / Math.max(1, items.length);
  items.forEach((item, i) => {
    const x = PAD.left + i * band + band * 0.15;
    const height = (item.value / max) * plotHeight;
    const bar = node('rect', { x, y: PAD.top + plotHeight - height, width: band * 0.7, height, class: 'bar' });
    bar.append(node('title', {}, item.title ?? `${item.label}: ${item.value}`));
    svg.append(bar);
    if (item.part !== undefined) {
      const partHeight = (item.part / max) * plotHeight;
      const part = node('rect', { x, y: PAD.top + plotHeight - partHeight, width: band * 0.7, height: partHeight, class: 'bar part' });
      part.append(node('title', {}, `${item.label}: ${partLabel ?? 'part'} ${item.part}`));
      svg.append(part);
    }
    if (items.length <= 24) {
      svg.append(node('text', { x: x + band * 0.35, y: HEIGHT - PAD.bottom + 14, 'text-anchor': 'middle', class: 'axis' }, item.label.length > 10 ? `${item.label.slice(0, 9)}…` : item.label));
    }
  });
  return svg;
}

/** A line over time: points [{label, value}] in order. */
export function lineChart(label, points, unit = '') {
  const max = niceMax(Math.max(0, ...points.map(p => p.value)));
  const svg = frame(label, max);
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = i => PAD.left + (points.length <= 1 ? plotWidth / 2 : (plotWidth * i) / (points.length - 1));
  const y = v => PAD.top + plotHeight - (v / max) * plotHeight;
  if (points.length > 0) {
    svg.append(node('polyline', { points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(' '), class: 'line' }));
  }
  points.forEach((p, i) => {
    const dot = node('circle', { cx: x(i), cy: y(p.value), r: 3, class: 'dot' });
    dot.append(node('title', {}, `${p.label}: ${p.value.toFixed(2)}${unit}`));
    svg.append(dot);
  });
  const labelEvery = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    if (i % labelEvery === 0) svg.append(node('text', { x: x(i), y: HEIGHT - PAD.bottom + 14, 'text-anchor': 'middle', class: 'axis' }, p.label));
  });
  return svg;
}
