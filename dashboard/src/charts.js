// Small hand-written SVG charts: grouped bars and price lines. No library, so the page
// works offline and the bundle stays small. Every function returns SVG markup as a string.
import { esc } from './format.js';

const WIDTH = 640;
const PAD = { left: 56, right: 12, top: 12, bottom: 44 };

/** "Nice" axis ticks from 0 (or `min`) to at least `max`. */
function ticks(min, max, count = 4) {
  if (max <= min) max = min + 1;
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const first = Math.floor(min / step) * step;
  const out = [];
  for (let v = first; v < max + step * 0.999; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function legend(series, y) {
  let x = PAD.left;
  return series.map((s) => {
    const item = `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${s.color}"/>` +
      `<text x="${x + 14}" y="${y}" class="legend">${esc(s.name)}</text>`;
    x += 24 + s.name.length * 7;
    return item;
  }).join('');
}

/**
 * Grouped bar chart. `categories`: labels along x; `series`: [{ name, color, values }], one
 * value per category; `unit` is appended to the y axis' tick labels.
 */
export function barChart({ categories, series, unit = '', height = 220, id = '' }) {
  const plotH = height - PAD.top - PAD.bottom;
  const plotW = WIDTH - PAD.left - PAD.right;
  const max = Math.max(1, ...series.flatMap((s) => s.values.map(Number)));
  const yTicks = ticks(0, max);
  const top = yTicks[yTicks.length - 1];
  const y = (v) => PAD.top + plotH - (Number(v) / top) * plotH;
  const groupW = plotW / Math.max(1, categories.length);
  const barW = Math.max(2, Math.min(24, (groupW * 0.8) / series.length));
  // Label at most ~10 categories so that they stay legible.
  const labelEvery = Math.ceil(categories.length / 10);

  let svg = `<svg class="chart" ${id ? `id="${esc(id)}"` : ''} viewBox="0 0 ${WIDTH} ${height}" role="img">`;
  for (const t of yTicks) {
    svg += `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(t)}" y2="${y(t)}"/>` +
      `<text class="tick" x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end">${esc(t.toLocaleString('en-US'))}${esc(unit)}</text>`;
  }
  categories.forEach((label, i) => {
    const gx = PAD.left + i * groupW + (groupW - barW * series.length) / 2;
    series.forEach((s, j) => {
      const v = Number(s.values[i] ?? 0);
      const h = Math.max(v > 0 ? 1 : 0, PAD.top + plotH - y(v));
      svg += `<rect class="bar" data-series="${esc(s.name)}" data-category="${esc(label)}" data-value="${v}" ` +
        `x="${(gx + j * barW).toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}">` +
        `<title>${esc(s.name)} ${esc(label)}: ${v.toLocaleString('en-US')}${esc(unit)}</title></rect>`;
    });
    if (i % labelEvery === 0) {
      svg += `<text class="tick" x="${(PAD.left + (i + 0.5) * groupW).toFixed(1)}" y="${PAD.top + plotH + 14}" text-anchor="middle">${esc(label)}</text>`;
    }
  });
  svg += `<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>`;
  svg += legend(series, height - 8);
  return `${svg}</svg>`;
}

/**
 * Line chart of points per series: `series`: [{ name, color, points: [[x, y], ...] }],
 * `xLabel(x)` formats the x ticks. Points are drawn as dots joined by lines.
 */
export function lineChart({ series, unit = '', height = 220, xLabel = String, id = '' }) {
  const plotH = height - PAD.top - PAD.bottom;
  const plotW = WIDTH - PAD.left - PAD.right;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const yTicks = ticks(0, Math.max(...ys) * 1.1 || 1);
  const top = yTicks[yTicks.length - 1];
  const x = (v) => PAD.left + (xMax === xMin ? plotW / 2 : ((v - xMin) / (xMax - xMin)) * plotW);
  const y = (v) => PAD.top + plotH - (v / top) * plotH;

  let svg = `<svg class="chart" ${id ? `id="${esc(id)}"` : ''} viewBox="0 0 ${WIDTH} ${height}" role="img">`;
  for (const t of yTicks) {
    svg += `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(t)}" y2="${y(t)}"/>` +
      `<text class="tick" x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end">${esc(t.toLocaleString('en-US'))}${esc(unit)}</text>`;
  }
  const distinctX = [...new Set(xs)].sort((a, b) => a - b);
  const labelEvery = Math.ceil(distinctX.length / 6);
  distinctX.forEach((v, i) => {
    if (i % labelEvery === 0) {
      svg += `<text class="tick" x="${x(v).toFixed(1)}" y="${PAD.top + plotH + 14}" text-anchor="middle">${esc(xLabel(v))}</text>`;
    }
  });
  for (const s of series) {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    if (pts.length > 1) {
      svg += `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"/>`;
    }
    for (const [a, b] of pts) {
      svg += `<circle class="point" data-series="${esc(s.name)}" cx="${x(a).toFixed(1)}" cy="${y(b).toFixed(1)}" r="3.5" fill="${s.color}">` +
        `<title>${esc(s.name)} ${esc(xLabel(a))}: ${b.toLocaleString('en-US', { maximumFractionDigits: 4 })}${esc(unit)}</title></circle>`;
    }
  }
  svg += `<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>`;
  svg += legend(series, height - 8);
  return `${svg}</svg>`;
}
