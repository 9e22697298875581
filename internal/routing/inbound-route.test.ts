import { describe, expect, it } from 'vitest';
import { createInboundRouter, firstWord } from './inbound-route.js';

describe('inbound routes', () => {
  const route = createInboundRouter({
    routes: [
      { to: '12345', keyword: 'pizza', client: 'pizzeria' },
      { to: '12345', client: 'shortcode-owner' },
      { to: '+4477009', client: 'uk-long-numbers' },
      { to: '+44', keyword: 'VOTE', client: 'never-reached-for-4477009' },
    ],
    defaultClient: 'fallback',
  });

  it('matches the first route whose number and keyword fit, in order', () => {
    expect(route({ to: '12345', text: 'Pizza margherita please' })).toBe('pizzeria');
    expect(route({ to: '12345', text: 'pizza' })).toBe('pizzeria');
    expect(route({ to: '12345', text: 'burger' })).toBe('shortcode-owner');
    // "+4477009…" is caught by the prefix route before the keyword route below it.
    expect(route({ to: '+447700900000', text: 'VOTE 3' })).toBe('uk-long-numbers');
    expect(route({ to: '+441632960000', text: 'vote 3' })).toBe('never-reached-for-4477009');
  });

  it('matches the keyword on the whole first word only, case-insensitively', () => {
    expect(route({ to: '12345', text: 'pizzas' })).toBe('shortcode-owner');
    expect(route({ to: '12345', text: '  PIZZA!  ' })).toBe('pizzeria');
  });

  it('falls back to the default client, or to none', () => {
    expect(route({ to: '99999', text: 'hello' })).toBe('fallback');
    expect(createInboundRouter({ routes: [{ to: '1', client: 'a' }] })({ to: '2', text: 'x' })).toBeUndefined();
    expect(createInboundRouter({ routes: [] })({ to: '2', text: 'x' })).toBeUndefined();
  });

  it('takes the first word without trailing punctuation', () => {
    expect(firstWord(' stop. ')).toBe('STOP');
    expect(firstWord('Stop sending\nplease')).toBe('STOP');
    expect(firstWord('')).toBe('');
  });
});
