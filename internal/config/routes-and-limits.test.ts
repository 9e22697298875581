import { describe, expect, it } from 'vitest';
import { ConfigError, parseFileConfig } from './load.js';

const smpp = { host: '127.0.0.1', port: 2775, systemId: 'user', password: 'secret' };
const carriers = [
  { id: 'a', prefixes: ['+44'], smpp },
  { id: 'b', prefixes: ['+33'], smpp },
];
const client = { id: 'demo', apiKey: '0123456789abcdef0123' };

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseFileConfig({ carriers, clients: [client], ...raw });
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}

describe('client limits and routes in the config', () => {
  it('defaults to no quota, no sender list, no routes', () => {
    const c = parseFileConfig({ carriers, clients: [client] });
    expect(c.clients[0]).toMatchObject({ ...client, rateLimit: 0, dailyQuota: 0 });
    expect(c.clients[0]!.allowedSenders).toBeUndefined();
    expect(c.clients[0]!.rateBurst).toBeUndefined();
    expect(c.routes).toEqual([]);
    expect(c.routing).toEqual({ downAfterS: 10, maxBacklog: 10_000, pollMs: 2000 });
  });

  it('takes every kind of route', () => {
    const c = parseFileConfig({
      carriers,
      clients: [{ ...client, rateLimit: 50, rateBurst: 100, dailyQuota: 10_000, allowedSenders: ['ACME', '/^INFO[0-9]{2}$/'] }],
      routes: [
        { match: { prefix: '+4477', client: 'demo', sender: '/^A/', hours: '22:00-06:00' }, failover: ['a', 'b'] },
        { match: { hours: '08:00-24:00' }, weighted: { a: 70, b: 30 } },
        { match: {}, carrier: 'b' },
      ],
    });
    expect(c.routes).toHaveLength(3);
    expect(c.clients[0]!.allowedSenders).toEqual(['ACME', '/^INFO[0-9]{2}$/']);
  });

  it('refuses a sender pattern that does not compile', () => {
    expect(problems({ clients: [{ ...client, allowedSenders: ['ACME', '/([a-z/'] }] })).toEqual([
      expect.stringMatching(/^clients\[0\]\.allowedSenders\[1\]: is not a valid regular expression/),
    ]);
    expect(problems({ routes: [{ match: { sender: '/+/' }, carrier: 'a' }] })).toEqual([expect.stringMatching(/^routes\[0\]\.match\.sender: is not a valid regular expression/)]);
  });

  it('refuses routes without exactly one action, with bad hours, or naming what is not configured', () => {
    expect(problems({ routes: [{ match: {}, carrier: 'a', failover: ['b'] }] })).toEqual(['routes[0]: needs exactly one of carrier, failover, weighted']);
    expect(problems({ routes: [{ match: {} }] })).toEqual(['routes[0]: needs exactly one of carrier, failover, weighted']);
    for (const hours of ['8-20', '08:00-24:30', '24:00-06:00', '08:00']) {
      expect(problems({ routes: [{ match: { hours }, carrier: 'a' }] }), hours).toEqual([expect.stringMatching(/^routes\[0\]\.match\.hours: must be "HH:MM-HH:MM"/)]);
    }
    expect(problems({ routes: [{ match: {}, weighted: { a: 0 } }] })).toEqual(['routes[0].weighted: needs at least one carrier with a weight above 0']);
    expect(problems({ routes: [{ match: { client: 'ghost' }, failover: ['a', 'zz'] }, { match: {}, weighted: { yy: 1 } }] })).toEqual([
      'routes[0].failover[1]: names no configured carrier ("zz")',
      'routes[0].match.client: names no configured client ("ghost")',
      'routes[1].weighted.yy: names no configured carrier ("yy")',
    ]);
  });
});
