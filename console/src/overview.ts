/** Overview: rates per second (from two summary readings a second apart), accept latency p50/p99, backlog per carrier. */
import { api, type Summary } from './api.js';
import { lineChart } from './chart.js';
import { badge, errorBox, fill, h, num } from './dom.js';
import { quantile } from './histogram.js';

const HISTORY = 120;

interface Reading {
  t: number;
  s: Summary;
}

// Kept while the console is open, so that coming back to the overview shows the last minutes, not an empty chart.
const readings: Reading[] = [];
const rates = { accepted: [] as number[], submitted: [] as number[], delivered: [] as number[], rejected: [] as number[] };
const p50: number[] = [];
const p99: number[] = [];
const backlog = new Map<string, number[]>();
/** The tile says "—" while nothing was accepted in the window (the chart draws 0). */
let latencyNow: { p50: number | null; p99: number | null } = { p50: null, p99: null };

export function overviewPage(el: HTMLElement): () => void {
  let error: unknown;
  let stopped = false;

  const rate = (k: keyof Summary['totals'], a: Reading, b: Reading) => Math.max(0, ((b.s.totals[k] ?? 0) - (a.s.totals[k] ?? 0)) / ((b.t - a.t) / 1000));
  const push = (arr: number[], v: number) => {
    arr.push(v);
    if (arr.length > HISTORY) arr.shift();
  };

  function render(): void {
    const last = readings[readings.length - 1];
    const tile = (label: string, value: string, id: string) => h('div', { class: 'tile' }, h('div', { class: 'label' }, label), h('div', { class: 'value', 'data-testid': id }, value));
    const lastOf = (a: number[]) => a[a.length - 1];
    fill(
      el,
      h('h2', {}, 'Overview'),
      error ? errorBox(error) : null,
      h(
        'div',
        { class: 'tiles' },
        tile('accepted / s', num(lastOf(rates.accepted), 1), 'rate-accepted'),
        tile('submitted / s (segments)', num(lastOf(rates.submitted), 1), 'rate-submitted'),
        tile('delivered / s', num(lastOf(rates.delivered), 1), 'rate-delivered'),
        tile('errors / s (answered with a problem)', num(lastOf(rates.rejected), 1), 'rate-errors'),
        tile('accept p50 / p99 (ms)', `${num(latencyNow.p50, 1)} / ${num(latencyNow.p99, 1)}`, 'accept-latency'),
        tile('dead letters', num(last?.s.totals.deadLetters), 'dead-letters'),
        tile('edges / connectors', last ? `${last.s.edges} / ${last.s.connectors}` : '—', 'processes'),
      ),
      h(
        'div',
        { class: 'charts' },
        lineChart('Messages / s', [
          { name: 'accepted', points: rates.accepted },
          { name: 'submitted', points: rates.submitted },
          { name: 'delivered', points: rates.delivered },
        ]),
        lineChart('Accept latency', [
          { name: 'p50', points: p50 },
          { name: 'p99', points: p99 },
        ], ' ms'),
        lineChart('Backlog per carrier', [...backlog].map(([name, points]) => ({ name, points }))),
        lineChart('Errors / s', [{ name: 'problems', points: rates.rejected }]),
      ),
      h(
        'div',
        { class: 'card' },
        h('h3', {}, 'Carriers'),
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'carrier'), h('th', {}, 'state'), h('th', {}, 'backlog'), h('th', {}, 'unacked'), h('th', {}, 'binds up'))),
          h(
            'tbody',
            {},
            (last?.s.carriers ?? []).map((c) =>
              h('tr', { 'data-testid': `overview-carrier-${c.id}` }, h('td', {}, c.id), h('td', {}, badge(c.state)), h('td', { 'data-testid': 'backlog' }, num(c.backlog)), h('td', {}, num(c.ackPending)), h('td', {}, `${c.bindsUp} / ${c.binds}`)),
            ),
          ),
        ),
      ),
    );
  }

  async function poll(): Promise<void> {
    try {
      const s = await api<Summary>('GET', '/v1/admin/summary');
      const now = Date.now();
      const r = { t: now, s };
      // Back after a while on another page: rates start again from this reading, not averaged over the gap.
      if (readings.length > 0 && now - readings[readings.length - 1]!.t > 5000) readings.length = 0;
      const prev = readings[readings.length - 1];
      readings.push(r);
      if (readings.length > 6) readings.shift();
      if (prev) {
        push(rates.accepted, rate('accepted', prev, r));
        push(rates.submitted, rate('submitted', prev, r));
        push(rates.delivered, rate('delivered', prev, r));
        push(rates.rejected, rate('rejected', prev, r));
        // Latency over the last five seconds: steadier than one second's few samples.
        const base = readings[0]!;
        const delta = s.acceptLatency.counts.map((c, i) => Math.max(0, c - (base.s.acceptLatency.counts[i] ?? 0)));
        const q50 = quantile(0.5, s.acceptLatency.bucketsS, delta);
        const q99 = quantile(0.99, s.acceptLatency.bucketsS, delta);
        latencyNow = { p50: q50 === null ? null : q50 * 1000, p99: q99 === null ? null : q99 * 1000 };
        push(p50, latencyNow.p50 ?? 0);
        push(p99, latencyNow.p99 ?? 0);
      }
      for (const c of s.carriers) {
        const arr = backlog.get(c.id) ?? [];
        push(arr, c.backlog ?? 0);
        backlog.set(c.id, arr);
      }
      error = undefined;
    } catch (err) {
      error = err;
    }
    if (!stopped) render();
  }

  render();
  void poll();
  const timer = setInterval(() => void poll(), 1000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
