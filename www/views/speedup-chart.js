// threading-speedup's chart: measured speed-ups against the ideal line, drawn from the run's
// value (`[{ workers, ms, speedup_x100 }]`). A scenario names the views it has in its Rust
// metadata (`views: &["speedup-chart"]`); section.js loads `views/<name>.js` and calls it.
import { svg } from '../dom.js';

export default function draw(host, value) {
  if (!Array.isArray(value)) return;
  const rows = value.map((r) => ({ workers: Number(r.workers), ms: Number(r.ms), speedup: Number(r.speedup_x100) / 100 }));
  const width = Math.max(280, Math.min(host.clientWidth || 480, 560));
  const height = 220;
  const pad = { l: 40, r: 12, t: 12, b: 34 };
  const maxWorkers = Math.max(...rows.map((r) => r.workers));
  const maxY = Math.max(maxWorkers, ...rows.map((r) => r.speedup));
  const x = (w) => pad.l + ((w - 1) / Math.max(1, maxWorkers - 1)) * (width - pad.l - pad.r);
  const y = (s) => height - pad.b - (s / maxY) * (height - pad.t - pad.b);
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'speedup-svg', role: 'img',
    'aria-label': `Speed-up: ${rows.map((r) => `${r.workers} workers ${r.speedup.toFixed(2)}×`).join(', ')}` });
  root.append(svg('line', { x1: x(1), y1: y(1), x2: x(maxWorkers), y2: y(maxWorkers), class: 'ideal' }));
  root.append(svg('polyline', { points: rows.map((r) => `${x(r.workers)},${y(r.speedup)}`).join(' '), class: 'measured' }));
  for (const r of rows) {
    const dot = svg('circle', { cx: x(r.workers), cy: y(r.speedup), r: 4, class: 'point', tabindex: 0 });
    dot.append(svg('title', {}, `${r.workers} workers: ${r.ms} ms, speed-up ${r.speedup.toFixed(2)}×`));
    root.append(dot);
    root.append(svg('text', { x: x(r.workers), y: height - pad.b + 16, 'text-anchor': 'middle', class: 'axis-text' }, String(r.workers)));
  }
  for (let s = 0; s <= maxY; s += Math.max(1, Math.ceil(maxY / 4))) {
    root.append(svg('text', { x: pad.l - 6, y: y(s) + 4, 'text-anchor': 'end', class: 'axis-text' }, `${s}×`));
  }
  root.append(svg('text', { x: (width + pad.l) / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-text' }, 'workers (dashed: ideal)'));
  host.replaceChildren(root);
}
