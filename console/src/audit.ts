/** The audit log (who did what, when, with what result) and the dead letters, newest first. */
import { api, type AuditEntry, type DeadLetter } from './api.js';
import { badge, errorBox, h, time } from './dom.js';

export function auditPage(el: HTMLElement): () => void {
  const audit = h('div', { class: 'card' }, 'loading…');
  const dead = h('div', { class: 'card' }, 'loading…');
  async function load(): Promise<void> {
    try {
      const r = await api<{ entries: AuditEntry[] }>('GET', '/v1/admin/audit?limit=100');
      audit.replaceChildren(
        h('h3', {}, 'Audit log'),
        h(
          'table',
          { 'data-testid': 'audit-table' },
          h('thead', {}, h('tr', {}, ...['when', 'who', 'action', 'target', 'result', 'detail'].map((t) => h('th', {}, t)))),
          h(
            'tbody',
            {},
            r.entries.length === 0 ? h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'nothing recorded yet')) : null,
            r.entries.map((e) =>
              h('tr', { 'data-testid': 'audit-row' }, h('td', {}, time(e.at)), h('td', {}, `${e.who.client} (${e.who.keyId})`), h('td', {}, e.action), h('td', {}, e.target), h('td', {}, badge(e.result)), h('td', {}, e.detail ?? '')),
            ),
          ),
        ),
      );
    } catch (err) {
      audit.replaceChildren(errorBox(err));
    }
    try {
      const r = await api<{ deadLetters: DeadLetter[] }>('GET', '/v1/admin/dead-letters?limit=50');
      dead.replaceChildren(
        h('h3', {}, 'Dead letters'),
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...['when', 'subject', 'message', 'reason', 'deliveries', 'detail'].map((t) => h('th', {}, t)))),
          h(
            'tbody',
            {},
            r.deadLetters.length === 0 ? h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'none')) : null,
            r.deadLetters.map((d) => h('tr', {}, h('td', {}, time(d.at)), h('td', {}, d.subject), h('td', {}, d.messageId ?? ''), h('td', {}, d.reason ?? ''), h('td', {}, d.deliveries ?? ''), h('td', {}, d.detail ?? ''))),
          ),
        ),
      );
    } catch (err) {
      dead.replaceChildren(errorBox(err));
    }
  }
  el.replaceChildren(h('h2', {}, 'Audit log and dead letters'), h('button', { type: 'button', onclick: () => void load() }, 'Refresh'), audit, dead);
  void load();
  const timer = setInterval(() => void load(), 5000);
  return () => clearInterval(timer);
}
