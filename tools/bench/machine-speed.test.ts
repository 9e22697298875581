import { describe, expect, it } from 'vitest';
import { formatMachineSpeed, measureMachineSpeed, median } from './machine-speed.js';

describe('machine speed', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
  });

  it('times the loop on one core and on each core at once, and says which is which', async () => {
    const s = await measureMachineSpeed(2);
    expect(s.cores).toBe(2);
    expect(s.oneCoreMs).toBeGreaterThan(0);
    expect(s.allCoresMs).toBeGreaterThan(0);
    expect(formatMachineSpeed({ oneCoreMs: 80, allCoresMs: 95, cores: 2 })).toBe(
      'machine speed: a 200 M-step loop took 80 ms on one core, 95 ms on each of 2 at once (lower is faster; runs compare only at like speeds)',
    );
  }, 30_000);
});
