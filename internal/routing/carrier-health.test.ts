import { describe, expect, it } from 'vitest';
import { fakeClock } from '../core/clock.js';
import { createCarrierHealth } from './carrier-health.js';

describe('carrier health', () => {
  it('knows nothing against a carrier never observed', () => {
    const h = createCarrierHealth({ clock: fakeClock(), downAfterMs: 10_000, maxBacklog: 100 });
    expect(h.usable('a')).toBe(true);
  });

  it('takes a carrier out after downAfterMs without a bound session, and back at the first bound one', () => {
    const clock = fakeClock(1000);
    const h = createCarrierHealth({ clock, downAfterMs: 10_000, maxBacklog: 100 });
    h.observe([{ carrier: 'a', bound: 1, backlog: 0 }]);
    clock.advance(2000);
    h.observe([{ carrier: 'a', bound: 0, backlog: 0 }]);
    clock.advance(7999);
    expect(h.usable('a')).toBe(true);
    clock.advance(1);
    expect(h.state('a')).toEqual({ usable: false, reason: 'unbound' });
    h.observe([{ carrier: 'a', bound: 2, backlog: 0 }]);
    expect(h.usable('a')).toBe(true);
  });

  it('gives a carrier first seen unbound the same grace', () => {
    const clock = fakeClock();
    const h = createCarrierHealth({ clock, downAfterMs: 5000, maxBacklog: 100 });
    h.observe([{ carrier: 'a', bound: 0, backlog: undefined }]);
    clock.advance(4999);
    expect(h.usable('a')).toBe(true);
    clock.advance(1);
    expect(h.usable('a')).toBe(false);
  });

  it('takes a carrier out above maxBacklog and back below 80 % of it', () => {
    const h = createCarrierHealth({ clock: fakeClock(), downAfterMs: 10_000, maxBacklog: 100 });
    h.observe([{ carrier: 'a', bound: 1, backlog: 101 }]);
    expect(h.state('a')).toEqual({ usable: false, reason: 'backlog' });
    h.observe([{ carrier: 'a', bound: 1, backlog: 90 }]);
    expect(h.usable('a')).toBe(false);
    h.observe([{ carrier: 'a', bound: 1, backlog: undefined }]);
    expect(h.usable('a')).toBe(false);
    h.observe([{ carrier: 'a', bound: 1, backlog: 79 }]);
    expect(h.usable('a')).toBe(true);
  });

  it('applies new thresholds to what it has seen', () => {
    const clock = fakeClock();
    const h = createCarrierHealth({ clock, downAfterMs: 10_000, maxBacklog: 100 });
    h.observe([{ carrier: 'a', bound: 0, backlog: 0 }]);
    clock.advance(3000);
    expect(h.usable('a')).toBe(true);
    h.configure({ downAfterMs: 2000, maxBacklog: 100 });
    expect(h.usable('a')).toBe(false);
  });
});
