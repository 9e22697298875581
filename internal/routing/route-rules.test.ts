import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/test-prng.js';
import { fakeClock } from '../core/clock.js';
import { createRoutePlan, inHours, parseHours, type RouteRule } from './route-rules.js';
import { createRouteTable, routesFromCarriers } from './route-table.js';

const fallback = createRouteTable(
  routesFromCarriers([
    { id: 'uk', prefixes: ['+44'] },
    { id: 'world', prefixes: ['+'] },
  ]),
);
/** 2026-12-03 at hh:mm UTC. */
const at = (hh: number, mm = 0) => Date.UTC(2026, 11, 3, hh, mm);

function plan(rules: RouteRule[], o: { now?: number; usable?: (c: string) => boolean; random?: () => number } = {}) {
  const clock = fakeClock(o.now ?? at(12));
  return { clock, router: createRoutePlan({ rules, fallback, clock, ...(o.usable ? { usable: o.usable } : {}), ...(o.random ? { random: o.random } : {}) }) };
}

describe('route rules', () => {
  it('falls back to the longest prefix when no rule matches, and when there are no rules', () => {
    expect(plan([]).router.lookup('+447700900123')).toBe('uk');
    const { router } = plan([{ match: { prefix: '+49' }, carrier: 'de' }]);
    expect(router.lookup('+447700900123', 'c', 'ACME')).toBe('uk');
    expect(router.lookup('+14155550100', 'c', 'ACME')).toBe('world');
  });

  it('takes the first rule that matches, in order', () => {
    const { router } = plan([
      { match: { prefix: '+4477', client: 'gold' }, carrier: 'premium' },
      { match: { prefix: '+4477' }, carrier: 'mobile' },
      { match: { prefix: '+44' }, carrier: 'landline' },
    ]);
    expect(router.lookup('+447700900123', 'gold', 'ACME')).toBe('premium');
    expect(router.lookup('+447700900123', 'bronze', 'ACME')).toBe('mobile');
    expect(router.lookup('+442071234567', 'gold', 'ACME')).toBe('landline');
  });

  it('matches senders exactly or by /regex/', () => {
    const { router } = plan([
      { match: { sender: 'BANK' }, carrier: 'otp' },
      { match: { sender: '/^\\+?[0-9]+$/' }, carrier: 'longcode' },
    ]);
    expect(router.lookup('+447700900123', 'c', 'BANK')).toBe('otp');
    expect(router.lookup('+447700900123', 'c', 'BANKX')).toBe('uk');
    expect(router.lookup('+447700900123', 'c', '+447700900999')).toBe('longcode');
  });

  it('matches a UTC time window, including one over midnight, by the clock', () => {
    const { clock, router } = plan([
      { match: { hours: '22:00-06:00' }, carrier: 'night' },
      { match: { hours: '08:00-20:00' }, carrier: 'day' },
    ], { now: at(7, 59) });
    expect(router.lookup('+447700900123')).toBe('uk');
    clock.set(at(8));
    expect(router.lookup('+447700900123')).toBe('day');
    clock.set(at(19, 59));
    expect(router.lookup('+447700900123')).toBe('day');
    clock.set(at(20));
    expect(router.lookup('+447700900123')).toBe('uk');
    clock.set(at(23, 30));
    expect(router.lookup('+447700900123')).toBe('night');
    clock.set(at(5, 59) + 86_400_000);
    expect(router.lookup('+447700900123')).toBe('night');
  });

  it('parses hours', () => {
    expect(parseHours('08:30-20:00')).toEqual({ from: 510, to: 1200 });
    expect(inHours(parseHours('00:00-24:00'), 1439)).toBe(true);
    expect(inHours(parseHours('10:00-10:00'), 600)).toBe(false);
  });

  it('sends failover traffic to the first usable carrier, and to the first when none is', () => {
    const down = new Set<string>();
    const { router } = plan([{ match: { prefix: '+44' }, failover: ['a', 'b', 'c'] }], { usable: (c) => !down.has(c) });
    expect(router.lookup('+447700900123')).toBe('a');
    down.add('a');
    expect(router.lookup('+447700900123')).toBe('b');
    down.add('b');
    expect(router.lookup('+447700900123')).toBe('c');
    down.add('c');
    expect(router.lookup('+447700900123')).toBe('a');
    down.clear();
    expect(router.lookup('+447700900123')).toBe('a');
  });

  it('splits weighted traffic within ±5 % of the weights over 10,000 decisions', () => {
    // Seeded, so the test says the same thing on every run.
    const random = seededRandom(0x5eed);
    const { router } = plan([{ match: {}, weighted: { a: 70, b: 30, off: 0 } }], { random });
    const n = 10_000;
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const c = router.lookup('+447700900123')!;
      counts[c] = (counts[c] ?? 0) + 1;
    }
    for (const [c, w] of [['a', 0.7], ['b', 0.3]] as const) {
      const share = (counts[c] ?? 0) / n;
      expect(Math.abs(share - w) / w, `${c}: ${share}`).toBeLessThan(0.05);
    }
    expect(counts.off).toBeUndefined();
  });

  it('leaves an unusable carrier out of a weighted draw, and draws among all when none is usable', () => {
    const down = new Set(['a']);
    const draws = [0, 0.5, 0.99];
    let i = 0;
    const { router } = plan([{ match: {}, weighted: { a: 50, b: 50 } }], { usable: (c) => !down.has(c), random: () => draws[i++ % 3]! });
    expect([router.lookup('+1555'), router.lookup('+1555'), router.lookup('+1555')]).toEqual(['b', 'b', 'b']);
    down.add('b');
    expect([router.lookup('+1555'), router.lookup('+1555'), router.lookup('+1555')]).toEqual(['a', 'b', 'b']);
  });
});
