/**
 * A hand-written SVG line chart (no dependencies): one x axis, a left y axis and an optional right y axis,
 * any number of series on each, vertical markers between runs, a dashed threshold line and a legend.
 */

export interface Series {
  name: string;
  color: string;
  points: ReadonlyArray<readonly [number, number]>;
  dashed?: boolean;
}

export interface Axis {
  label: string;
  series: Series[];
  /** A horizontal dashed line (e.g. the 50 ms p99 limit). */
  threshold?: { value: number; label: string };
  min?: number;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  left: Axis;
  right?: Axis;
  /** Vertical lines with a label at the top (run boundaries). */
  markers?: Array<{ x: number; label: string }>;
  width?: number;
  height?: number;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A "nice" axis maximum and tick step covering max (1, 2, 2.5, 5 × 10^n). */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { max: 1, step: 0.2 };
  const rough = max / ticks;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= rough) ?? 10 * pow;
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

const fmt = (n: number) => (Math.abs(n) >= 1000 ? `${+(n / 1000).toFixed(1)}k` : `${+n.toFixed(2)}`);

export function lineChart(spec: ChartSpec): string {
  const W = spec.width ?? 960;
  const H = spec.height ?? 420;
  const m = { top: 48, right: spec.right ? 70 : 24, bottom: 78, left: 70 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const all = [...spec.left.series, ...(spec.right?.series ?? [])].flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs, xMin + 1) : 1;
  const X = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * pw;
  const scaleOf = (a: Axis) => {
    const vals = a.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
    const top = Math.max(0, ...vals, a.threshold ? a.threshold.value * 1.2 : 0);
    return niceScale(top);
  };
  const ls = scaleOf(spec.left);
  const rs = spec.right ? scaleOf(spec.right) : undefined;
  const Y = (v: number, s: { max: number }) => m.top + ph - (Math.max(0, Math.min(v, s.max)) / s.max) * ph;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`);

  // grid and left ticks
  for (let v = 0; v <= ls.max + 1e-9; v += ls.step) {
    const y = Y(v, ls).toFixed(1);
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(fmt(v))}</text>`);
  }
  if (rs) {
    for (let v = 0; v <= rs.max + 1e-9; v += rs.step) {
      out.push(`<text x="${m.left + pw + 6}" y="${Y(v, rs).toFixed(1)}" dominant-baseline="middle">${escapeXml(fmt(v))}</text>`);
    }
  }
  // x ticks
  const xs2 = niceScale(xMax - xMin, 10);
  for (let v = 0; v <= xMax - xMin + 1e-9; v += xs2.step) {
    const x = X(xMin + v).toFixed(1);
    out.push(`<line x1="${x}" y1="${m.top + ph}" x2="${x}" y2="${m.top + ph + 4}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${escapeXml(fmt(xMin + v))}</text>`);
  }
  // axes
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333"/>`);
  if (rs) out.push(`<line x1="${m.left + pw}" y1="${m.top}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${m.top + ph + 34}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.left.label)}</text>`);
  if (spec.right) {
    out.push(`<text transform="translate(${W - 12} ${m.top + ph / 2}) rotate(90)" text-anchor="middle">${escapeXml(spec.right.label)}</text>`);
  }

  // markers
  for (const mk of spec.markers ?? []) {
    const x = X(mk.x).toFixed(1);
    out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="#999" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${(+x + 4).toFixed(1)}" y="${m.top + 12}" fill="#555">${escapeXml(mk.label)}</text>`);
  }

  const drawAxis = (a: Axis, s: { max: number }) => {
    if (a.threshold) {
      const y = Y(a.threshold.value, s).toFixed(1);
      out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#d62728" stroke-dasharray="6 4" stroke-opacity="0.6"/>`);
      out.push(`<text x="${m.left + pw - 4}" y="${(+y - 4).toFixed(1)}" text-anchor="end" fill="#d62728">${escapeXml(a.threshold.label)}</text>`);
    }
    for (const se of a.series) {
      if (se.points.length === 0) continue;
      const d = se.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${X(p[0]).toFixed(1)},${Y(p[1], s).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${escapeXml(se.color)}" stroke-width="1.6"${se.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    }
  };
  drawAxis(spec.left, ls);
  if (spec.right && rs) drawAxis(spec.right, rs);

  // legend
  const entries = [...spec.left.series.map((s) => ({ s, side: '' })), ...(spec.right?.series ?? []).map((s) => ({ s, side: ' (right)' }))];
  let lx = m.left;
  const ly = H - 18;
  for (const { s, side } of entries) {
    const label = `${s.name}${side}`;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${escapeXml(s.color)}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    out.push(`<text x="${lx + 27}" y="${ly}" dominant-baseline="middle">${escapeXml(label)}</text>`);
    lx += 40 + label.length * 6.6;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
