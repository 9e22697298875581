/** A line chart as inline SVG: the last N points of a few series, scaled to the largest value shown. */
const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#0b5cad', '#1a7f37', '#9a6700', '#cf222e', '#6f42c1'];

export interface Series {
  name: string;
  points: number[];
}

export function lineChart(title: string, series: Series[], unit = ''): HTMLElement {
  const w = 600;
  const hgt = 120;
  const max = Math.max(1, ...series.flatMap((s) => s.points));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  series.forEach((s, i) => {
    const n = s.points.length;
    if (n < 2) return;
    const d = s.points.map((v, j) => `${j === 0 ? 'M' : 'L'}${((j / (n - 1)) * w).toFixed(1)},${(hgt - 4 - (v / max) * (hgt - 8)).toFixed(1)}`).join(' ');
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', COLORS[i % COLORS.length]!);
    path.setAttribute('stroke-width', '2');
    path.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(path);
  });
  const box = document.createElement('div');
  box.className = 'card chart';
  const head = document.createElement('div');
  head.className = 'legend';
  const t = document.createElement('strong');
  t.textContent = `${title} `;
  head.append(t);
  series.forEach((s, i) => {
    const span = document.createElement('span');
    span.style.color = COLORS[i % COLORS.length]!;
    const last = s.points[s.points.length - 1];
    span.textContent = `● ${s.name} ${last === undefined ? '—' : Math.round(last * 10) / 10}${unit}`;
    head.append(span);
  });
  const top = document.createElement('span');
  top.className = 'muted';
  top.textContent = `max ${Math.round(max * 10) / 10}${unit}`;
  head.append(top);
  box.append(head, svg);
  return box;
}
