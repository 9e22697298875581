import { describe, expect, it } from 'vitest';
import { designFloor, per1k, type HopCost } from './hop-floor.js';

const cost = (hop: string, gatewayS: number, serverS: number, server: HopCost['server'], units = 10_000): HopCost => ({ hop, unit: 'x', units, gatewayS, serverS, server });

describe('hop floor', () => {
  it('scales each hop by its units per message and leaves the SMSC out of the stack', () => {
    const f = designFloor(
      [cost('http', 0.5, 0, 'none'), cost('js-store', 0.4, 0.3, 'nats-server'), cost('smpp', 0.2, 0.6, 'smsc-sim')],
      [
        { hop: 'http', perMessage: 1 },
        { hop: 'js-store', perMessage: 2 },
        { hop: 'smpp', perMessage: 1 },
      ],
    );
    expect(f.lines.map((l) => [l.hop, +l.gateway.toFixed(3), +l.server.toFixed(3)])).toEqual([
      ['http', 0.05, 0],
      ['js-store', 0.08, 0.06],
      ['smpp', 0.02, 0.06],
    ]);
    expect(f.gateway).toBeCloseTo(0.15);
    expect(f.stack).toBeCloseTo(0.21);
  });

  it('refuses a design hop that was not measured', () => {
    expect(() => designFloor([], [{ hop: 'http', perMessage: 1 }])).toThrow(/no measurement of hop http/);
  });

  it('gives 0 per 1,000 for a hop measured over no units', () => {
    expect(per1k(3, 0)).toBe(0);
    expect(per1k(3, 30_000)).toBeCloseTo(0.1);
  });
});
