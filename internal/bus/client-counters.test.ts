import { describe, expect, it } from 'vitest';
import { takeFromBucket } from './client-counters.js';

describe('shared token bucket arithmetic', () => {
  it('starts full and grants whole tokens up to what is asked', () => {
    const r = takeFromBucket(null, 1000, 5, 50, 50);
    expect(r.lease).toEqual({ granted: 5, waitMs: 0 });
    expect(r.bucket).toEqual({ tokens: 45, at: 1000 });
  });

  it('refills at the rate, never past the burst', () => {
    const r = takeFromBucket({ tokens: 0, at: 1000 }, 1100, 10, 50, 50);
    expect(r.lease.granted).toBe(5);
    expect(takeFromBucket({ tokens: 40, at: 0 }, 60_000, 100, 50, 50).lease.granted).toBe(50);
  });

  it('says how long until the next token when short', () => {
    const r = takeFromBucket({ tokens: 0.5, at: 1000 }, 1000, 1, 10, 10);
    expect(r.lease).toEqual({ granted: 0, waitMs: 50 });
    expect(takeFromBucket({ tokens: 2.2, at: 0 }, 0, 5, 10, 10).lease).toEqual({ granted: 2, waitMs: 80 });
  });

  it('never refills twice for an edge whose clock is behind', () => {
    const ahead = takeFromBucket({ tokens: 0, at: 0 }, 1000, 100, 10, 100);
    expect(ahead.lease.granted).toBe(10);
    const behind = takeFromBucket(ahead.bucket, 900, 100, 10, 100);
    expect(behind.lease.granted).toBe(0);
    expect(behind.bucket.at).toBe(1000);
  });
});
