import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../internal/sms/analyze.js';
import { validateSubmit } from '../../internal/sms/submit-request.js';
import { createMessageMix, DEFAULT_MIX, meanSegments, mixCycle, parseMix, type MessageKind } from './message-mix.js';

function count(kinds: readonly MessageKind[]): Record<MessageKind, number> {
  const c = { gsm1: 0, ucs2: 0, gsm3: 0 };
  for (const k of kinds) c[k]++;
  return c;
}

describe('mixCycle', () => {
  it('gives 80/10/10 exactly over every cycle of ten, interleaved', () => {
    const cycle = mixCycle(DEFAULT_MIX);
    expect(cycle).toHaveLength(10);
    expect(count(cycle)).toEqual({ gsm1: 8, ucs2: 1, gsm3: 1 });
    // Smooth: the two rare kinds are not next to each other.
    const u = cycle.indexOf('ucs2');
    const g = cycle.indexOf('gsm3');
    expect(Math.abs(u - g)).toBeGreaterThan(1);
  });

  it('handles other shares and zero weights', () => {
    expect(count(mixCycle({ gsm1: 50, ucs2: 25, gsm3: 25 }))).toEqual({ gsm1: 2, ucs2: 1, gsm3: 1 });
    expect(mixCycle({ gsm1: 1, ucs2: 0, gsm3: 0 })).toEqual(['gsm1']);
    expect(count(mixCycle({ gsm1: 33.3, ucs2: 33.3, gsm3: 33.4 }))).toEqual({ gsm1: 333, ucs2: 333, gsm3: 334 });
  });

  it('parses mixes', () => {
    expect(parseMix('80,10,10')).toEqual(DEFAULT_MIX);
    expect(() => parseMix('80,10')).toThrow(/three/);
    expect(() => parseMix('0,0,0')).toThrow();
    expect(meanSegments()).toBeCloseTo(1.2, 10);
  });
});

describe('createMessageMix', () => {
  const mix = createMessageMix({ runTag: 'r01' });

  it('yields the configured ratios over any 1,000 consecutive messages', () => {
    for (const start of [0, 7, 12_345]) {
      const kinds = Array.from({ length: 1000 }, (_, i) => mix.at(start + i).kind);
      expect(count(kinds)).toEqual({ gsm1: 800, ucs2: 100, gsm3: 100 });
    }
  });

  it('builds texts the gateway accepts, with the encoding and segment count of their kind', () => {
    for (let i = 0; i < 2000; i++) {
      const m = mix.at(i);
      const v = validateSubmit({ to: m.to, from: m.from, text: m.text, clientRef: m.key }, { maxTextLength: 1600 });
      expect(v.ok, `${m.kind} ${m.text}`).toBe(true);
      const a = analyzeText(m.text);
      expect(a.encoding, m.text).toBe(m.kind === 'ucs2' ? 'ucs2' : 'gsm7');
      expect(a.segments, m.text).toBe(m.segments);
    }
  });

  it('gives distinct destinations and keys, and is deterministic', () => {
    const tos = new Set<string>();
    const keys = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      tos.add(mix.at(i).to);
      keys.add(mix.at(i).key);
    }
    expect(tos.size).toBe(10_000);
    expect(keys.size).toBe(10_000);
    expect(createMessageMix({ runTag: 'r01' }).at(42)).toEqual(mix.at(42));
    expect(mix.at(3).key).toBe('r01-3');
    const other = createMessageMix({ runTag: 'r02', destinationBase: 10_000 });
    expect(tos.has(other.at(0).to)).toBe(false);
  });
});
