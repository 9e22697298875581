/** Send a test message with the logged-in key (it needs the `send` scope), then follow it on the messages page. */
import { api } from './api.js';
import { errorBox, h } from './dom.js';

export function sendPage(el: HTMLElement, openMessage: (id: string) => void): () => void {
  const to = h('input', { name: 'to', value: '+447700900123', 'data-testid': 'send-to' });
  const from = h('input', { name: 'from', value: 'SMSMESH', 'data-testid': 'send-from' });
  const text = h('textarea', { name: 'text', rows: 3, 'data-testid': 'send-text' }, 'Test message from the smsmesh console');
  const out = h('div', {});
  async function send(e: Event): Promise<void> {
    e.preventDefault();
    try {
      const r = await api<{ id: string; status: string; carrier: string; segments: number; encoding: string }>('POST', '/v1/messages', {
        to: to.value.trim(),
        from: from.value.trim(),
        text: text.value,
        clientRef: `console-${Date.now()}`,
      });
      out.replaceChildren(
        h(
          'div',
          { class: 'card', 'data-testid': 'send-result' },
          h('p', {}, `Accepted: ${r.status}, carrier ${r.carrier}, ${r.segments} segment(s), ${r.encoding}.`),
          h('p', {}, 'Id ', h('code', { 'data-testid': 'sent-id' }, r.id), ' '),
          h('button', { type: 'button', onclick: () => openMessage(r.id) }, 'Show its timeline'),
        ),
      );
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  }
  el.replaceChildren(
    h('h2', {}, 'Send a test message'),
    h(
      'form',
      { class: 'card grid', onsubmit: (e: Event) => void send(e) },
      h('label', {}, 'to', to),
      h('label', {}, 'from', from),
      h('label', {}, 'text', text),
      h('button', { class: 'primary', type: 'submit', 'data-testid': 'send' }, 'Send'),
    ),
    out,
  );
  return () => {};
}
