/** Carriers and binds: state, backlog, window, TPS, throttles; pause / resume / drain. Refreshed every second. */
import { api, type Carrier } from './api.js';
import { badge, errorBox, fill, h, num } from './dom.js';

export function carriersPage(el: HTMLElement): () => void {
  let carriers: Carrier[] = [];
  let error: unknown;
  let note = '';
  let stopped = false;

  async function act(id: string, action: 'pause' | 'resume' | 'drain'): Promise<void> {
    try {
      const r = await api<{ state: string; auditRecorded: boolean }>('POST', `/v1/admin/carriers/${encodeURIComponent(id)}/${action}`);
      note = `${id}: ${r.state}${r.auditRecorded ? '' : ' (audit entry not recorded)'}`;
      error = undefined;
    } catch (err) {
      error = err;
    }
    await poll();
  }

  function card(c: Carrier): HTMLElement {
    return h(
      'div',
      { class: 'card', 'data-testid': `carrier-${c.id}`, 'data-state': c.state },
      h(
        'div',
        { class: 'carrier-head' },
        h('span', { class: 'id' }, c.id),
        badge(c.state),
        h('span', {}, 'backlog ', h('strong', { 'data-testid': 'backlog' }, num(c.backlog))),
        h('span', { title: 'fetched by binds and not yet settled, or handed back and waiting for redelivery' }, 'unacked ', h('strong', { 'data-testid': 'ack-pending' }, num(c.ackPending))),
        h('span', {}, `binds up ${c.bindsUp} / ${c.binds.length}`),
        c.stateSince ? h('span', { class: 'muted' }, `since ${new Date(c.stateSince).toLocaleTimeString()} by ${c.stateBy ?? '?'}`) : null,
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', 'data-testid': 'pause', disabled: c.state === 'paused', onclick: () => void act(c.id, 'pause') }, 'Pause'),
          h('button', { type: 'button', 'data-testid': 'resume', disabled: c.state === 'active', onclick: () => void act(c.id, 'resume') }, 'Resume'),
          h('button', { type: 'button', 'data-testid': 'drain', disabled: c.state !== 'active', onclick: () => void act(c.id, 'drain') }, 'Drain'),
        ),
      ),
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h('tr', {}, ...['connector', 'bind', 'state', 'window (in flight / size)', 'TPS (now / configured)', 'throttles', 'submitted', 'delivered'].map((t) => h('th', {}, t))),
        ),
        h(
          'tbody',
          {},
          c.binds.length === 0 ? h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'no connector answered for this carrier')) : null,
          c.binds.map((b) =>
            h(
              'tr',
              { 'data-testid': 'bind' },
              h('td', {}, b.connector),
              h('td', {}, `#${b.bindNo}`),
              h('td', { 'data-testid': 'bind-state' }, badge(b.paused && b.state === 'bound' ? 'paused' : b.state)),
              h('td', { 'data-testid': 'bind-inflight' }, `${b.inFlight} / ${b.window}`),
              h('td', {}, `${num(b.rate, 0)} / ${num(b.tps, 0)}`),
              h('td', {}, num(b.throttles)),
              h('td', { 'data-testid': 'bind-submitted' }, num(b.submitted)),
              h('td', {}, num(b.delivered)),
            ),
          ),
        ),
      ),
    );
  }

  function render(): void {
    fill(
      el,
      h('h2', {}, 'Carriers and binds'),
      h(
        'p',
        { class: 'muted' },
        'Pause: the binds fetch nothing, so nothing is submitted; messages are still accepted and queue in JetStream. Resume: the queue drains. Drain: submit what is queued, then pause once the queue is empty.',
      ),
      error ? errorBox(error) : null,
      note ? h('p', { 'data-testid': 'note' }, note) : null,
      carriers.map(card),
    );
  }

  async function poll(): Promise<void> {
    try {
      carriers = (await api<{ carriers: Carrier[] }>('GET', '/v1/admin/carriers')).carriers;
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
