/** The console's shell: login with an admin key (sessionStorage), hash routing between pages, each page polling while shown. */
import { api, ApiError, session } from './api.js';
import { auditPage } from './audit.js';
import { carriersPage } from './carriers.js';
import { errorBox, h } from './dom.js';
import { messagesPage } from './messages.js';
import { overviewPage } from './overview.js';
import { sendPage } from './send.js';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const logout = document.getElementById('logout')!;
let unmount: () => void = () => {};
let pendingMessage: string | undefined;

function openMessage(id: string): void {
  pendingMessage = id;
  location.hash = '#messages';
}

function loginPage(problem?: string): void {
  nav.hidden = true;
  logout.hidden = true;
  const key = h('input', { type: 'password', name: 'key', autocomplete: 'off', placeholder: 'admin API key', 'data-testid': 'login-key' });
  const out = h('div', {}, problem ? errorBox(problem) : null);
  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    try {
      await api('GET', '/v1/admin/summary', undefined, key.value.trim());
      session.set(key.value.trim());
      if (!location.hash || location.hash === '#login') location.hash = '#overview';
      route();
    } catch (err) {
      out.replaceChildren(
        errorBox(err instanceof ApiError && err.status === 403 ? 'This key has no "admin" scope: the console needs an admin key.' : err instanceof ApiError && err.status === 401 ? 'This key is not valid.' : err),
      );
    }
  }
  main.replaceChildren(
    h(
      'form',
      { class: 'card login', onsubmit: (e: Event) => void submit(e) },
      h('h2', {}, 'Operator console'),
      h('p', { class: 'muted' }, 'Log in with an API key that has the admin scope. It is kept in this tab only (sessionStorage).'),
      h('label', {}, 'API key', key),
      h('p', {}, h('button', { class: 'primary', type: 'submit', 'data-testid': 'login' }, 'Log in')),
      out,
    ),
  );
}

function route(): void {
  unmount();
  unmount = () => {};
  if (!session.key()) return loginPage();
  nav.hidden = false;
  logout.hidden = false;
  const page = (location.hash.replace('#', '') || 'overview') as string;
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.page === page);
  const el = h('div', { 'data-page': page });
  main.replaceChildren(el);
  switch (page) {
    case 'carriers':
      unmount = carriersPage(el);
      break;
    case 'messages': {
      unmount = messagesPage(el);
      if (pendingMessage) {
        const input = el.querySelector<HTMLInputElement>('[data-testid=search-id]');
        if (input) input.value = pendingMessage;
        pendingMessage = undefined;
        el.querySelector<HTMLFormElement>('form')?.requestSubmit();
      }
      break;
    }
    case 'send':
      unmount = sendPage(el, openMessage);
      break;
    case 'audit':
      unmount = auditPage(el);
      break;
    default:
      unmount = overviewPage(el);
  }
}

logout.addEventListener('click', () => {
  session.clear();
  location.hash = '';
  route();
});
window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (e) => {
  if (e.reason instanceof ApiError && e.reason.status === 401) {
    session.clear();
    loginPage('The key is no longer valid (revoked?); log in again.');
  }
});
route();
