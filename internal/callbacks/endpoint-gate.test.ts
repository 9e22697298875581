import { describe, expect, it } from 'vitest';
import { createEndpointGate, endpointOf, type Admission } from './endpoint-gate.js';

const go = (a: Admission) => {
  if (a.kind !== 'go') throw new Error(`expected go, got ${a.kind}/${a.why}`);
  return a;
};

describe('endpoint gate', () => {
  const opts = { concurrency: 2, threshold: 3, openMs: 1000, busyRetryMs: 100 };

  it('keys endpoints by origin', () => {
    expect(endpointOf('https://a.example/cb?x=1')).toBe('https://a.example');
    expect(endpointOf('http://a.example:8080/other')).toBe('http://a.example:8080');
  });

  it('lets at most `concurrency` attempts in flight per endpoint, others unaffected', () => {
    const g = createEndpointGate(opts);
    const a = go(g.admit('http://slow', 0, 0));
    go(g.admit('http://slow', 0, 0));
    expect(g.admit('http://slow', 0, 0)).toEqual({ kind: 'wait', retryInMs: 100, why: 'busy' });
    go(g.admit('http://fast', 0, 0));
    a.release(true, 1);
    go(g.admit('http://slow', 1, 0));
  });

  it('opens after `threshold` failures in a row, probes once after openMs, doubles on a failed probe, closes on success', () => {
    const g = createEndpointGate(opts);
    for (let i = 0; i < 3; i++) go(g.admit('http://dead', 0, 0)).release(false, 10);
    expect(g.openCount(10)).toBe(1);
    expect(g.isOpen('http://dead')).toBe(true);
    const w = g.admit('http://dead', 500, 0);
    expect(w).toEqual({ kind: 'wait', retryInMs: 510, why: 'open' });
    const probe = go(g.admit('http://dead', 1010, 0));
    expect(g.admit('http://dead', 1010, 0).kind).toBe('wait');
    probe.release(false, 1020);
    expect(g.admit('http://dead', 2500, 0).kind).toBe('wait');
    const probe2 = go(g.admit('http://dead', 3020, 0));
    expect(g.isOpen('http://dead')).toBe(true);
    probe2.release(true, 3030);
    expect(g.openCount(3030)).toBe(0);
    expect(g.isOpen('http://dead')).toBe(false);
    go(g.admit('http://dead', 3030, 0));
    go(g.admit('http://dead', 3030, 0));
  });

  it('a success resets the failure count', () => {
    const g = createEndpointGate(opts);
    go(g.admit('http://flaky', 0, 0)).release(false, 0);
    go(g.admit('http://flaky', 0, 0)).release(false, 0);
    go(g.admit('http://flaky', 0, 0)).release(true, 0);
    go(g.admit('http://flaky', 0, 0)).release(false, 0);
    go(g.admit('http://flaky', 0, 0)).release(false, 0);
    expect(g.openCount(0)).toBe(0);
  });
});
