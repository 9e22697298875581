/** The oracle's verdict on the submit_sm of one message, and the foreign implementation's own reading held against it. */
import { expect } from 'vitest';
import type { Capture, ForeignView } from './foreign-smsc.js';
import type { Method, TextCase } from './oracle/cases.js';
import { airCapacity, joinParts, readPart, SAR_AIR_UDH_OCTETS, unitsOf, type Part, type ReadOptions } from './oracle/concat.js';
import { parseSubmitSmBody, type SubmitSm } from './oracle/submit-sm.js';

/** Where two texts first differ, in code points, so a failure names the character. */
export function firstDifference(got: string, want: string): string {
  const g = Array.from(got);
  const w = Array.from(want);
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    if (g[i] !== w[i]) {
      const cp = (c: string | undefined) => (c === undefined ? 'end' : `U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
      return `first difference at character ${i}: got ${cp(g[i])}, sent ${cp(w[i])}`;
    }
  }
  return 'identical';
}

/** Every field the foreign implementation decoded must agree with the oracle's reading of the same bytes. */
function crossCheck(f: ForeignView, sm: SubmitSm, part: Part, opts: ReadOptions): void {
  expect({ esmClass: sm.esmClass, dataCoding: sm.dataCoding, sourceAddr: sm.sourceAddr, destinationAddr: sm.destinationAddr, registeredDelivery: sm.registeredDelivery }).toEqual({
    esmClass: f.esmClass,
    dataCoding: f.dataCoding,
    sourceAddr: f.sourceAddr,
    destinationAddr: f.destinationAddr,
    registeredDelivery: f.registeredDelivery,
  });
  if (f.shortMessage) expect(sm.shortMessage.equals(f.shortMessage)).toBe(true);
  if (f.tlvs) expect(sm.tlvs).toEqual(f.tlvs);
  // Neither foreign implementation unpacks septets, so its text is only comparable for unpacked content.
  if (f.text !== undefined && !opts.packed) expect(part.text).toBe(f.text);
  if (f.udhIes) expect(part.ies).toEqual(f.udhIes);
  if (f.sar) expect({ ref: part.ref, total: part.total, seq: part.seq }).toEqual(f.sar);
}

/** The oracle's verdict on the submit_sm of one message. */
export function judge(caps: readonly Capture[], c: TextCase, method: Method, opts: ReadOptions = {}): void {
  const parts = caps.map((cap) => {
    const sm = parseSubmitSmBody(cap.body);
    const part = readPart(sm, opts);
    crossCheck(cap.foreign, sm, part, opts);
    expect(sm.registeredDelivery & 0x01).toBe(1);
    return part;
  });
  const joined = joinParts(parts);
  expect(joined.text === c.text, firstDifference(joined.text, c.text)).toBe(true);
  for (const p of joined.parts) expect(p.dataCoding).toBe(c.dataCoding);
  if (c.parts.length === 1) {
    expect(joined.parts.map((p) => p.concat)).toEqual(['none']);
    return;
  }
  if (method === 'payload') {
    expect(joined.parts.map((p) => p.concat)).toEqual(['payload']);
    return;
  }
  expect(joined.parts.map((p) => p.concat)).toEqual(c.parts.map(() => method));
  // Each part on its own, in order, where the rule puts it: this is what aims the edge cases at the edges.
  expect(joined.parts.map((p) => p.text)).toEqual(c.parts);
  for (const p of joined.parts) {
    expect(unitsOf(p)).toBeLessThanOrEqual(airCapacity(p.dataCoding, method === 'sar' ? SAR_AIR_UDH_OCTETS : p.udhOctets));
  }
}
