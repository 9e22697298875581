/** Messages: search by id, number, clientRef or status (the list API, per client); a message's timeline. */
import { api, type ClientInfo, type MessageView, type Timeline } from './api.js';
import { badge, errorBox, h, time } from './dom.js';

const STATUSES = ['', 'scheduled', 'accepted', 'submitted', 'delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'canceled', 'unknown'];

export function timelineView(t: Timeline): HTMLElement {
  const step = (what: string, when: string | null, cls = '', extra?: string) =>
    h('li', { class: cls, 'data-testid': 'timeline-step' }, h('strong', {}, what), h('span', { class: 'when' }, time(when)), extra ? h('div', { class: 'muted' }, extra) : null);
  const final = t.doneAt !== null;
  const bad = final && t.status !== 'delivered';
  return h(
    'div',
    { class: 'card', 'data-testid': 'timeline' },
    h('h3', {}, 'Message ', h('code', {}, t.id), ' ', badge(t.status)),
    h('p', { class: 'muted' }, `client ${t.clientId ?? '?'} · ${t.from ?? '?'} → ${t.to ?? '?'} · carrier ${t.carrier} · ${t.segments ?? '?'} segment(s) ${t.encoding ?? ''}${t.clientRef ? ` · clientRef ${t.clientRef}` : ''}`),
    h(
      'ol',
      { class: 'timeline' },
      step('accepted', t.acceptedAt),
      t.sendAt ? step('held until', t.sendAt) : null,
      t.parts.flatMap((p) => [
        step(`part ${p.part} submitted`, p.submittedAt, '', p.smscMessageId ? `SMSC id ${p.smscMessageId}` : undefined),
        p.lastStat ? step(`part ${p.part} receipt ${p.lastStat}`, p.lastStatAt, p.status && p.status !== 'delivered' ? 'bad' : '', p.error ?? undefined) : null,
      ]),
      t.parts.length === 0 && t.submittedAt ? step('submitted', t.submittedAt) : null,
      final ? step(`final: ${t.status}`, t.doneAt, bad ? 'bad' : 'final', t.error ?? undefined) : h('li', { class: 'muted', 'data-testid': 'timeline-step' }, `now ${t.status}; no final state yet`),
    ),
  );
}

export function messagesPage(el: HTMLElement): () => void {
  const results = h('div', {});
  const detail = h('div', {});
  const clientSel = h('select', { name: 'client', 'data-testid': 'search-client' });
  const idIn = h('input', { name: 'id', placeholder: 'message id', 'data-testid': 'search-id' });
  const toIn = h('input', { name: 'to', placeholder: '+447700900123', 'data-testid': 'search-to' });
  const refIn = h('input', { name: 'clientRef', placeholder: 'clientRef', 'data-testid': 'search-ref' });
  const statusSel = h('select', { name: 'status', 'data-testid': 'search-status' }, STATUSES.map((s) => h('option', { value: s }, s || 'any status')));

  async function open(id: string): Promise<void> {
    try {
      detail.replaceChildren(timelineView(await api<Timeline>('GET', `/v1/admin/messages/${encodeURIComponent(id)}`)));
    } catch (err) {
      detail.replaceChildren(errorBox(err));
    }
  }

  async function search(e?: Event): Promise<void> {
    e?.preventDefault();
    detail.replaceChildren();
    const id = idIn.value.trim();
    if (id) {
      results.replaceChildren();
      await open(id);
      return;
    }
    const q = new URLSearchParams();
    if (clientSel.value) q.set('client', clientSel.value);
    if (toIn.value.trim()) q.set('to', toIn.value.trim());
    if (refIn.value.trim()) q.set('clientRef', refIn.value.trim());
    if (statusSel.value) q.set('status', statusSel.value);
    q.set('limit', '50');
    try {
      const page = await api<{ messages: MessageView[] }>('GET', `/v1/admin/messages?${q}`);
      results.replaceChildren(
        h(
          'div',
          { class: 'card' },
          h(
            'table',
            { 'data-testid': 'message-results' },
            h('thead', {}, h('tr', {}, ...['accepted', 'id', 'to', 'clientRef', 'status', 'parts'].map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              page.messages.length === 0 ? h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'no messages match')) : null,
              page.messages.map((m) =>
                h(
                  'tr',
                  { class: 'clickable', 'data-testid': 'message-row', 'data-id': m.id, onclick: () => void open(m.id) },
                  h('td', {}, time(m.acceptedAt)),
                  h('td', {}, h('code', {}, m.id.slice(0, 8) + '…')),
                  h('td', {}, m.to ?? ''),
                  h('td', {}, m.clientRef ?? ''),
                  h('td', {}, badge(m.status)),
                  h('td', {}, m.segments ?? ''),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      results.replaceChildren(errorBox(err));
    }
  }

  el.replaceChildren(
    h('h2', {}, 'Messages'),
    h(
      'form',
      { class: 'card grid', onsubmit: (e: Event) => void search(e) },
      h('label', {}, 'client', clientSel),
      h('label', {}, 'id', idIn),
      h('label', {}, 'to', toIn),
      h('label', {}, 'clientRef', refIn),
      h('label', {}, 'status', statusSel),
      h('button', { class: 'primary', type: 'submit', 'data-testid': 'search' }, 'Search'),
    ),
    results,
    detail,
  );
  void api<{ clients: ClientInfo[] }>('GET', '/v1/admin/clients').then(
    (r) => clientSel.replaceChildren(...r.clients.map((c) => h('option', { value: c.id }, c.id))),
    (err: unknown) => results.replaceChildren(errorBox(err)),
  );
  return () => {};
}
