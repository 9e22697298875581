import { describe, expect, it } from 'vitest';
import { createRouteTable, routesFromCarriers } from './route-table.js';

describe('route table', () => {
  const table = createRouteTable(
    routesFromCarriers([
      { id: 'uk', prefixes: ['+44'] },
      { id: 'uk-mobile', prefixes: ['+4477', '+4478'] },
      { id: 'fallback', prefixes: ['+'] },
    ]),
  );

  it('picks the longest matching prefix', () => {
    expect(table.lookup('+447700900123')).toBe('uk-mobile');
    expect(table.lookup('+442071234567')).toBe('uk');
    expect(table.lookup('+14155550100')).toBe('fallback');
  });

  it('matches a number equal to a prefix', () => {
    expect(table.lookup('+4477')).toBe('uk-mobile');
  });

  it('returns undefined when nothing matches', () => {
    const t = createRouteTable(routesFromCarriers([{ id: 'de', prefixes: ['+49'] }]));
    expect(t.lookup('+447700900123')).toBeUndefined();
    expect(t.lookup('')).toBeUndefined();
  });
});

describe('route table contents', () => {
  it('lists the routes it was built from', () => {
    const routes = routesFromCarriers([
      { id: 'uk', prefixes: ['+44', '+4477'] },
      { id: 'de', prefixes: ['+49'] },
    ]);
    expect(routes).toEqual([
      { prefix: '+44', carrier: 'uk' },
      { prefix: '+4477', carrier: 'uk' },
      { prefix: '+49', carrier: 'de' },
    ]);
    expect(createRouteTable(routes).routes).toEqual(routes);
  });
});
